using Homeserver.Services.Accounts;

namespace Homeserver.Host.Hosting;

/// <summary>Writes devices' last-seen times every few seconds, and once more at shutdown.</summary>
public sealed partial class DeviceActivityFlusher(DeviceActivityTracker tracker, ILogger<DeviceActivityFlusher> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync(cancellationToken);
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        try
        {
            await tracker.FlushAsync(cancellationToken);
        }
        catch (Npgsql.NpgsqlException e)
        {
            LogFlushFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record devices' last-seen times")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception);
}
