using Homeserver.Services.Rooms.Delayed;
using Homeserver.Services.Shared;

namespace Homeserver.Host.Hosting;

/// <summary>
/// Sends delayed events (MSC4140) when due, on <see cref="TimeProvider"/> time: at start (overdue ones from before a
/// restart), then at the earliest scheduled send time, woken early when this process schedules or restarts one, and at
/// least every minute (another process may have scheduled an earlier one). Finalised events are kept a week.
/// </summary>
public sealed partial class DelayedEventScheduler(DelayedEventSender sender, IDelayedEventStore store,
    TimeProvider time, ILogger<DelayedEventScheduler> logger) : BackgroundService
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan FinalisedRetention = TimeSpan.FromDays(7);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var wake = sender.NextWake;
                TimeSpan wait;
                long? next = null;
                try
                {
                    await sender.SendDueAsync(stoppingToken);
                    await store.PruneFinalisedAsync((time.GetUtcNow() - FinalisedRetention).ToUnixTimeMilliseconds(),
                        stoppingToken);
                    next = await store.NextSendTsAsync(stoppingToken);
                    var now = time.GetUtcNow();
                    wait = next is null
                        ? MaxWait
                        : TimeSpan.FromMilliseconds(Math.Clamp(next.Value - now.ToUnixTimeMilliseconds(), 0,
                            (long)MaxWait.TotalMilliseconds));
                }
                catch (Exception e) when (e is Npgsql.NpgsqlException or ServiceUnavailableException or TimeoutException)
                {
                    LogSendFailed(logger, e);
                    wait = RetryAfterFailure;
                }

                if (wait > TimeSpan.Zero)
                {
                    using var delay = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    var timer = Task.Delay(wait, time, delay.Token);
                    // The clock may have passed the send time between reading it and arming the timer (which then
                    // counts from the later time): look again once the timer exists, so the send is never pushed back.
                    if (next is null || time.GetUtcNow().ToUnixTimeMilliseconds() < next)
                    {
                        await Task.WhenAny(timer, wake);
                    }

                    await delay.CancelAsync();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not send due delayed events; trying again shortly")]
    private static partial void LogSendFailed(ILogger logger, Exception exception);
}
