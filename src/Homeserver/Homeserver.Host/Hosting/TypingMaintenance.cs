using Homeserver.Services.Shared;
using Homeserver.Services.Sync;

namespace Homeserver.Host.Hosting;

/// <summary>Hears other processes' typing changes and ends timed-out typing every second.</summary>
public sealed class TypingMaintenance(TypingService typing, ISharedStore shared) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var subscription = await shared.SubscribeAsync(TypingService.Channel, typing.OnSharedMessage,
            stoppingToken);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await typing.ExpireTimedOutAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
