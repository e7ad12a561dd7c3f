using Homeserver.Services.Sync;

namespace Homeserver.Host.Hosting;

/// <summary>Subscribes this process's <see cref="SyncNotifier"/> to other processes' wake-ups while it serves.</summary>
public sealed class SyncWakeSubscription(SyncNotifier notifier) : IHostedService
{
    private IAsyncDisposable? _subscription;

    public async Task StartAsync(CancellationToken cancellationToken) =>
        _subscription = await notifier.SubscribeAsync(cancellationToken);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_subscription is not null)
        {
            await _subscription.DisposeAsync();
        }
    }
}
