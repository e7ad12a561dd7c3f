using Homeserver.Services.Shared;
using Homeserver.Services.Streams;

namespace Homeserver.Host.Hosting;

/// <summary>
/// Runs every registered <see cref="IEventStreamConsumer"/>: each, while this process holds its cursor, is handed the
/// events after the cursor in batches, and the cursor moves after each batch it handled. Woken by
/// <see cref="StreamWakeups"/> (this process's writes and other processes'), and by a poll.
/// </summary>
public sealed partial class StreamConsumerRunner(IEnumerable<IEventStreamConsumer> consumers, StreamWakeups wakeups,
    IStreamCursorStore cursors, IEventStreamReader reader, StreamConsumerTiming timing,
    ILogger<StreamConsumerRunner> logger) : BackgroundService
{
    private static readonly Task Never = new TaskCompletionSource().Task;

    /// <summary>Every consumer's cursor exists once the process has started: it sees every event written after.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var consumer in consumers)
        {
            await cursors.EnsureAsync(consumer.Name, cancellationToken);
        }

        await base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(consumers.Select(consumer => RunAsync(consumer, stoppingToken)));

    private async Task RunAsync(IEventStreamConsumer consumer, CancellationToken stoppingToken)
    {
        var clock = timing.Clock;
        var backoff = TimeSpan.Zero;
        while (!stoppingToken.IsCancellationRequested)
        {
            var wake = wakeups.Next;
            try
            {
                await DrainAsync(consumer, stoppingToken);
                backoff = TimeSpan.Zero;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // a consumer's failure, whatever it is, must not end its loop: it is retried
            catch (Exception e)
#pragma warning restore CA1031
            {
                backoff = backoff == TimeSpan.Zero ? timing.InitialBackoff
                    : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, timing.MaxBackoff.Ticks));
                LogFailed(logger, e, consumer.Name, backoff);
                wake = Never; // writes meanwhile must not shorten the back-off
            }

            try
            {
                var until = clock.GetUtcNow() + (backoff == TimeSpan.Zero ? timing.PollInterval : backoff);
                await ClockWait.UntilAsync(clock, until, wake, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task DrainAsync(IEventStreamConsumer consumer, CancellationToken cancellationToken)
    {
        await using var hold = await cursors.TryHoldAsync(consumer.Name, cancellationToken);
        if (hold is null)
        {
            return; // another process runs it
        }

        while (true)
        {
            var batch = await reader.ReadAfterAsync(hold.Position, timing.BatchSize, cancellationToken);
            if (batch.Count == 0)
            {
                return;
            }

            await consumer.HandleAsync(batch, cancellationToken);
            await hold.AdvanceAsync(batch[^1].Position, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream consumer {Consumer} failed; trying the same events again in {Backoff}")]
    private static partial void LogFailed(ILogger logger, Exception exception, string consumer, TimeSpan backoff);
}
