using Homeserver.Services.Media;

namespace Homeserver.Host.Hosting;

/// <summary>Wakes this process's downloads waiting for async uploads completed by any process, while it serves.</summary>
public sealed class MediaUploadSubscription(MediaUploadSignals signals) : IHostedService
{
    private IAsyncDisposable? _subscription;

    public async Task StartAsync(CancellationToken cancellationToken) =>
        _subscription = await signals.SubscribeAsync(cancellationToken);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_subscription is not null)
        {
            await _subscription.DisposeAsync();
        }
    }
}
