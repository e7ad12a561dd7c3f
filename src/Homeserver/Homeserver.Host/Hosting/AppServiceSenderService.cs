using Homeserver.Services.AppServices.Push;
using Homeserver.Services.Shared;

namespace Homeserver.Host.Hosting;

/// <summary>
/// Runs the appservice sender in a serving process: other processes' wake-ups (<see cref="AppServiceSender.WakeChannel"/>)
/// and one delivery loop per appservice with a url (which first sends what a previous run left).
/// </summary>
public sealed class AppServiceSenderService(AppServiceSender sender, ISharedStore shared) : BackgroundService
{
    private IAsyncDisposable? _subscription;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = await shared.SubscribeAsync(AppServiceSender.WakeChannel, sender.OnWakeMessage,
            cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_subscription is not null)
        {
            await _subscription.DisposeAsync();
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => sender.RunAsync(stoppingToken);
}
