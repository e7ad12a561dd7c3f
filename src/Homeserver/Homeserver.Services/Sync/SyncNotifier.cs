using System.Text;
using Homeserver.Core.Events;
using Homeserver.Services.Accounts;
using Homeserver.Services.Rooms;
using Homeserver.Services.Shared;

namespace Homeserver.Services.Sync;

/// <summary>
/// Wakes long-polling /sync requests when something they watch changes: a room (any event in it), or a user (their
/// membership changes and account data). Writes in this process wake listeners here directly, after commit; when
/// processes share Redis, the same keys are published on <see cref="Channel"/> and every process wakes its own
/// listeners. Never polls: a listener waits on a task completed by a wake-up or its timeout.
/// </summary>
public sealed class SyncNotifier(ISharedStore shared) : IEventPersistedObserver, IAccountDataObserver
{
    public const string Channel = "sync.wake";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, HashSet<Listener>> _listeners = new(StringComparer.Ordinal);

    public static string RoomKey(string roomId) => "r:" + roomId;

    public static string UserKey(string userId) => "u:" + userId;

    /// <summary>Starts listening on <paramref name="keys"/>; dispose to stop. Take it before reading positions so
    /// that no change between the read and the wait is missed.</summary>
    public Listener Listen(IEnumerable<string> keys)
    {
        var listener = new Listener(this, keys.ToHashSet(StringComparer.Ordinal));
        lock (_lock)
        {
            foreach (var key in listener.Keys)
            {
                if (!_listeners.TryGetValue(key, out var set))
                {
                    _listeners[key] = set = [];
                }

                set.Add(listener);
            }
        }

        return listener;
    }

    public void OnPersisted(IReadOnlyList<PersistedEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            keys.Add(RoomKey(e.Pdu.RoomId));
            if (e.Pdu.Type == EventTypes.Member && e.Pdu.StateKey is { } target)
            {
                keys.Add(UserKey(target)); // invites, kicks and bans reach users not (yet) in the room
            }
        }

        Notify(keys);
    }

    public void OnAccountDataChanged(string userId) => Notify([UserKey(userId)]);

    /// <summary>Listens for other processes' wake-ups (a no-op store when not shared).</summary>
    public ValueTask<IAsyncDisposable> SubscribeAsync(CancellationToken cancellationToken) =>
        shared.SubscribeAsync(Channel, message => Wake(Encoding.UTF8.GetString(message.Span).Split('\n')),
            cancellationToken);

    /// <summary>Wakes the syncs of the room's members, in every process (receipts).</summary>
    public void NotifyRoom(string roomId) => Notify([RoomKey(roomId)]);

    /// <summary>Wakes the user's syncs, in every process (to-device messages, device list changes).</summary>
    public void NotifyUser(string userId) => Notify([UserKey(userId)]);

    /// <summary>Wakes this process's listeners only (for changes every process learns of on its own).</summary>
    public void WakeLocally(IEnumerable<string> keys) => Wake(keys);

    private void Notify(IReadOnlyCollection<string> keys)
    {
        Wake(keys);
        if (shared.IsShared)
        {
            // Dropped while Redis is away (other processes then wake at their timeout); never throws.
            _ = shared.PublishAsync(Channel, Encoding.UTF8.GetBytes(string.Join('\n', keys)), CancellationToken.None)
                .AsTask();
        }
    }

    private void Wake(IEnumerable<string> keys)
    {
        List<Listener> woken = [];
        lock (_lock)
        {
            foreach (var key in keys)
            {
                if (_listeners.TryGetValue(key, out var set))
                {
                    woken.AddRange(set);
                }
            }
        }

        foreach (var listener in woken)
        {
            listener.Signal();
        }
    }

    private void Remove(Listener listener)
    {
        lock (_lock)
        {
            foreach (var key in listener.Keys)
            {
                if (_listeners.TryGetValue(key, out var set) && set.Remove(listener) && set.Count == 0)
                {
                    _listeners.Remove(key);
                }
            }
        }
    }

    /// <summary>One waiting /sync: completes at the first wake-up of any of its keys.</summary>
    public sealed class Listener(SyncNotifier notifier, IReadOnlySet<string> keys) : IDisposable
    {
        private readonly TaskCompletionSource _woken = new(TaskCreationOptions.RunContinuationsAsynchronously);

        internal IReadOnlySet<string> Keys => keys;

        /// <summary>True when woken, false at the timeout.</summary>
        public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
        {
            if (timeout <= TimeSpan.Zero)
            {
                return _woken.Task.IsCompleted;
            }

            try
            {
                await _woken.Task.WaitAsync(timeout, cancellationToken);
                return true;
            }
            catch (TimeoutException)
            {
                return false;
            }
        }

        internal void Signal() => _woken.TrySetResult();

        public void Dispose() => notifier.Remove(this);
    }
}
