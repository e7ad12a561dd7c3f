using Homeserver.Services.Push;
using Homeserver.Services.Sync;

namespace Homeserver.Host.Hosting;

/// <summary>
/// Subscribes this process's <see cref="SyncNotifier"/> to other processes' wake-ups, and its
/// <see cref="PushRuleCache"/> to their push rule changes, while it serves.
/// </summary>
public sealed class SyncWakeSubscription(SyncNotifier notifier, PushRuleCache pushRules) : IHostedService
{
    private IAsyncDisposable? _subscription;
    private IAsyncDisposable? _pushRulesSubscription;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = await notifier.SubscribeAsync(cancellationToken);
        _pushRulesSubscription = await pushRules.SubscribeAsync(cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_subscription is not null)
        {
            await _subscription.DisposeAsync();
        }

        if (_pushRulesSubscription is not null)
        {
            await _pushRulesSubscription.DisposeAsync();
        }
    }
}
