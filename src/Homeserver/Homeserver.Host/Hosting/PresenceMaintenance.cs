using Homeserver.Services.Configuration;
using Homeserver.Services.Presence;

namespace Homeserver.Host.Hosting;

/// <summary>
/// Runs presence timeouts every second (idle, offline once syncs stop, no longer currently active), after loading the
/// users left online by a previous run, and hears other processes' presence changes. Idle when presence is turned off.
/// </summary>
public sealed partial class PresenceMaintenance(PresenceTracker tracker, HomeserverSettings settings,
    ILogger<PresenceMaintenance> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!settings.Presence.Enabled)
        {
            return;
        }

        await using var subscription = await tracker.SubscribeAsync(stoppingToken);
        using var timer = new PeriodicTimer(Interval);
        var loaded = false;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    if (!loaded)
                    {
                        await tracker.LoadNotOfflineAsync(stoppingToken);
                        loaded = true;
                    }

                    await tracker.SweepAsync(stoppingToken);
                }
                catch (Npgsql.NpgsqlException e)
                {
                    LogSweepFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not run presence timeouts")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
