using Homeserver.Services.Push;

namespace Homeserver.Host.Hosting;

/// <summary>
/// Runs HTTP pushers: those of users this process's wake-ups name (<see cref="PusherWakeups"/>), those whose back-off
/// ended, and every pusher with undelivered rows when another process wrote events, at start, and on each poll (which
/// finds other processes' rows while Redis is away).
/// Each runs under its hold (<see cref="IPusherDeliveryStore.TryHoldAsync"/>), so one process delivers for a pusher at a
/// time. Waits are on <see cref="PusherTiming.Clock"/>.
/// </summary>
public sealed partial class PusherDispatcher(PusherWakeups wakeups, IPusherDeliveryStore store,
    HttpPusherDelivery delivery, PusherTiming timing, ILogger<PusherDispatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var clock = timing.Clock;
        var nextPoll = clock.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            var until = clock.GetUtcNow() + timing.PollInterval;
            try
            {
                var users = wakeups.Take();
                var now = clock.GetUtcNow();
                var poll = now >= nextPoll;
                if (poll)
                {
                    nextPoll = now + timing.PollInterval;
                }

                foreach (var pusherId in await store.GetRunnableAsync(poll ? null : users,
                             now.ToUnixTimeMilliseconds(), stoppingToken))
                {
                    await delivery.RunAsync(pusherId, stoppingToken);
                }

                // Retries after the instant the runnable query looked at, not after the clock now: one falling due
                // while the pushers ran was not picked, and waiting for it must not be skipped.
                var next = nextPoll;
                if (await store.GetNextRetryAsync(now.ToUnixTimeMilliseconds(), stoppingToken) is { } retryAt &&
                    DateTimeOffset.FromUnixTimeMilliseconds(retryAt) < next)
                {
                    next = DateTimeOffset.FromUnixTimeMilliseconds(retryAt);
                }

                until = next;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
            {
                LogRunFailed(logger, e);
            }

            try
            {
                await wakeups.WaitUntilAsync(until, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not run pushers; trying again at the next poll")]
    private static partial void LogRunFailed(ILogger logger, Exception exception);
}
