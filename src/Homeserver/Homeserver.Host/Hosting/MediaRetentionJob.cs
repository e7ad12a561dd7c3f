using Homeserver.Services.Media;
using Homeserver.Services.Shared;

namespace Homeserver.Host.Hosting;

/// <summary>
/// Runs <see cref="MediaRetention"/> at start and then every hour (Synapse's period) on <see cref="TimeProvider"/>
/// time; a process finding another one's pass running skips its turn.
/// </summary>
public sealed partial class MediaRetentionJob(MediaRetention retention, TimeProvider time,
    ILogger<MediaRetentionJob> logger) : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var next = time.GetUtcNow() + Period;
                try
                {
                    await retention.RunAsync(stoppingToken);
                }
                catch (Exception e) when (e is Npgsql.NpgsqlException or IOException or UnauthorizedAccessException
                                              or TimeoutException)
                {
                    LogPassFailed(logger, e);
                }

                await ClockWait.UntilAsync(time, next, Task.Delay(Timeout.Infinite, stoppingToken), stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Media retention pass failed; trying again at the next period")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
