using System.Text;
using Homeserver.Core.AppServices;
using Homeserver.Services.Shared;
using Microsoft.Extensions.Logging;

namespace Homeserver.Services.AppServices.Push;

/// <summary>
/// Runs one delivery loop per appservice with a url: a pass (<see cref="AppServiceTransactionDelivery"/>) at start (so
/// what a previous run left queued or in flight goes out), at each wake-up (work queued here or, through
/// <see cref="WakeChannel"/>, in another process) and at each poll. After a failure it waits for the back-off's end
/// and nothing else, so new work does not turn the back-off into a retry per event. All waits are on the options'
/// clock.
/// </summary>
public sealed partial class AppServiceSender(AppServiceRegistry registry, AppServiceTransactionDelivery delivery,
    ISharedStore shared, AppServiceClientOptions options, ILogger<AppServiceSender> logger)
{
    /// <summary>Appservice IDs with new work, published for the process that holds their hold.</summary>
    public const string WakeChannel = "appservice.send";

    private static readonly Task Never = new TaskCompletionSource().Task;
    private readonly Dictionary<string, TaskCompletionSource> _wakes = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Wakes the appservices' loops here and in the other processes.</summary>
    public async Task WakeAsync(IReadOnlyCollection<string> appServiceIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(appServiceIds);
        foreach (var id in appServiceIds)
        {
            Wake(id);
        }

        if (shared.IsShared && appServiceIds.Count > 0)
        {
            await shared.PublishAsync(WakeChannel, Encoding.UTF8.GetBytes(string.Join('\n', appServiceIds)),
                cancellationToken);
        }
    }

    /// <summary>A message of <see cref="WakeChannel"/> from another process.</summary>
    public void OnWakeMessage(ReadOnlyMemory<byte> message)
    {
        foreach (var id in Encoding.UTF8.GetString(message.Span).Split('\n'))
        {
            Wake(id);
        }
    }

    public void Wake(string appServiceId)
    {
        TaskCompletionSource? woken;
        lock (_lock)
        {
            if (_wakes.Remove(appServiceId, out woken))
            {
                _wakes[appServiceId] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        woken?.TrySetResult();
    }

    /// <summary>Runs every appservice's loop until <paramref name="stoppingToken"/> is cancelled.</summary>
    public Task RunAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(registry.All.Where(r => r.Url is not null).Select(r => RunOneAsync(r, stoppingToken)));

    private Task NextWake(string appServiceId)
    {
        lock (_lock)
        {
            if (!_wakes.TryGetValue(appServiceId, out var next))
            {
                next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _wakes[appServiceId] = next;
            }

            return next.Task;
        }
    }

    private async Task RunOneAsync(AppServiceRegistration appService, CancellationToken stoppingToken)
    {
        var clock = options.Clock;
        while (!stoppingToken.IsCancellationRequested)
        {
            var wake = NextWake(appService.Id);
            AppServiceDeliveryOutcome outcome;
            try
            {
                outcome = await delivery.DeliverAsync(appService, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // the database may be away for a while: the poll tries again
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogPassFailed(logger, e, appService.Id);
                outcome = new AppServiceDeliveryOutcome(AppServiceDeliveryState.RetryLater,
                    clock.GetUtcNow() + options.PollInterval);
            }

            var backingOff = outcome.State == AppServiceDeliveryState.RetryLater;
            var until = backingOff ? outcome.RetryAt : clock.GetUtcNow() + options.PollInterval;
            try
            {
                await ClockWait.UntilAsync(clock, until, backingOff ? Never : wake, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery to appservice {AppService} failed; trying again later")]
    private static partial void LogPassFailed(ILogger logger, Exception exception, string appService);
}
