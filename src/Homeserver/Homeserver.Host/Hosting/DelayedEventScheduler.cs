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
                DateTimeOffset until;
                try
                {
                    await sender.SendDueAsync(stoppingToken);
                    await store.PruneFinalisedAsync((time.GetUtcNow() - FinalisedRetention).ToUnixTimeMilliseconds(),
                        stoppingToken);
                    var next = await store.NextSendTsAsync(stoppingToken);
                    var latest = time.GetUtcNow() + MaxWait;
                    until = next is { } ts && DateTimeOffset.FromUnixTimeMilliseconds(ts) < latest
                        ? DateTimeOffset.FromUnixTimeMilliseconds(ts)
                        : latest;
                }
                catch (Exception e) when (e is Npgsql.NpgsqlException or ServiceUnavailableException or TimeoutException)
                {
                    LogSendFailed(logger, e);
                    until = time.GetUtcNow() + RetryAfterFailure;
                }

                await ClockWait.UntilAsync(time, until, wake, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not send due delayed events; trying again shortly")]
    private static partial void LogSendFailed(ILogger logger, Exception exception);
}
