using Homeserver.Services.Accounts;
using Homeserver.Services.Keys;
using Homeserver.Services.Push;
using Homeserver.Services.Rooms;
using Homeserver.Services.Streams;
using Homeserver.Services.Sync;

namespace Homeserver.Host.Hosting;

/// <summary>
/// Subscribes this process to other processes' wake-ups while it serves: its <see cref="SyncNotifier"/>, its
/// <see cref="PushRuleCache"/>, <see cref="IgnoredUsers"/> and <see cref="InviteBlocking"/> (their account data
/// changes), its <see cref="ErasedUsersCache"/>, its <see cref="KeyInventoryCache"/> (their key changes), and its
/// <see cref="StreamWakeups"/> (their events, which also wake the pushers for everyone).
/// </summary>
public sealed class WakeSubscriptions(SyncNotifier notifier, PushRuleCache pushRules, IgnoredUsers ignoredUsers,
    InviteBlocking inviteBlocking, ErasedUsersCache erasedUsers, KeyInventoryCache keyInventories, StreamWakeups stream,
    PusherWakeups pushers)
    : IHostedService
{
    private readonly List<IAsyncDisposable> _subscriptions = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        stream.OtherProcessWrote += pushers.WakeEveryone;
        _subscriptions.Add(await notifier.SubscribeAsync(cancellationToken));
        _subscriptions.Add(await pushRules.SubscribeAsync(cancellationToken));
        _subscriptions.Add(await ignoredUsers.SubscribeAsync(cancellationToken));
        _subscriptions.Add(await inviteBlocking.SubscribeAsync(cancellationToken));
        _subscriptions.Add(await erasedUsers.SubscribeAsync(cancellationToken));
        _subscriptions.Add(await keyInventories.SubscribeAsync(cancellationToken));
        _subscriptions.Add(await stream.SubscribeAsync(cancellationToken));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        stream.OtherProcessWrote -= pushers.WakeEveryone;
        foreach (var subscription in _subscriptions)
        {
            await subscription.DisposeAsync();
        }

        _subscriptions.Clear();
    }
}
