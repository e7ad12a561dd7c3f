using Homeserver.Host.Hosting;
using Homeserver.Services.Push;
using Homeserver.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Homeserver.Host.Tests.Push;

/// <summary>The pushers' loop against a scripted delivery store, on a manual clock.</summary>
public sealed class PusherDispatcherTests
{
    [Fact]
    public async Task Retry_falling_due_while_the_pushers_run_is_still_run()
    {
        var clock = new ManualClock();
        var retryAt = clock.GetUtcNow().AddSeconds(1).ToUnixTimeMilliseconds();
        // The first pass's query sees the back-off still running; by the time it returns, the clock has reached its end.
        var store = new ScriptedStore(retryAt, onFirstQuery: () => clock.Advance(TimeSpan.FromSeconds(1)));
        var timing = new PusherTiming(clock) { PollInterval = TimeSpan.FromHours(1) };
        using var gateway = new PushGatewayClient();
        var delivery = new HttpPusherDelivery(store, new PushNotificationBody(null!), gateway, timing,
            NullLogger<HttpPusherDelivery>.Instance);
        using var dispatcher = new PusherDispatcher(new PusherWakeups(), store, delivery, timing,
            NullLogger<PusherDispatcher>.Instance);

        await dispatcher.StartAsync(CancellationToken.None);
        try
        {
            var secondQueryAt = await store.SecondQuery.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.True(secondQueryAt >= retryAt, "the next pass looks at the pushers once their back-off ended");
        }
        finally
        {
            await dispatcher.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>One pusher backing off until <c>retryAt</c>; records the instants the loop asks about.</summary>
    private sealed class ScriptedStore(long retryAt, Action onFirstQuery) : IPusherDeliveryStore
    {
        private readonly TaskCompletionSource<long> _secondQuery = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _queries;

        public Task<long> SecondQuery => _secondQuery.Task;

        public Task<IReadOnlyList<long>> GetRunnableAsync(IReadOnlyCollection<string>? userIds, long nowMs,
            CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _queries) == 1)
            {
                onFirstQuery();
            }
            else
            {
                _secondQuery.TrySetResult(nowMs);
            }

            return Task.FromResult<IReadOnlyList<long>>([]);
        }

        public Task<long?> GetNextRetryAsync(long nowMs, CancellationToken cancellationToken) =>
            Task.FromResult<long?>(retryAt > nowMs ? retryAt : null);

        public Task<IAsyncDisposable?> TryHoldAsync(long pusherId, CancellationToken cancellationToken) =>
            Task.FromResult<IAsyncDisposable?>(null);

        public Task<Pusher?> GetAsync(long pusherId, CancellationToken cancellationToken) => Task.FromResult<Pusher?>(null);

        public Task<IReadOnlyList<PushNotification>> GetPendingAsync(string userId, long afterStream, int limit,
            CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<PushNotification>>([]);

        public Task MarkHandledAsync(long pusherId, long streamOrdering, CancellationToken cancellationToken) =>
            Task.CompletedTask;

        public Task MarkFailedAsync(long pusherId, long failingSince, long retryAt, long backoffMs,
            CancellationToken cancellationToken) => Task.CompletedTask;

        public Task DeleteAsync(long pusherId, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
