using System.Collections.Concurrent;
using System.Text;
using Homeserver.Services.Federation.Edus;
using Homeserver.Services.Rooms;
using Homeserver.Services.Shared;
using Homeserver.Services.Sync;

namespace Homeserver.Services.Presence;

/// <summary>
/// The presence of the users this process serves, kept in memory so that activity costs no database work: a change
/// clients should hear of is stored at a new stream position and wakes the syncs of everyone sharing a room with the
/// user (<see cref="SyncNotifier.NotifyRoom"/>, across processes too); activity alone is written at most once a minute.
/// Running syncs are counted here, so the timeouts (<see cref="SweepAsync"/>) know who is still connected.
/// When another process changes a user's presence it says so on <see cref="Channel"/>, and this process forgets what it
/// had stored for them (reading it again when next needed), so the process that last changed a user runs their timeouts.
/// </summary>
/// Other servers' users (their presence arrives as EDUs, <see cref="ApplyRemoteAsync"/>) are stored and announced but
/// never timed out here: their own server does that.
public sealed class PresenceTracker(IPresenceStore store, IRoomEventReader rooms, SyncNotifier notifier,
    ISharedStore shared, TimeProvider time, FederationEdus? federation = null,
    AppServices.Push.AppServiceEphemeralPush? appServices = null)
{
    public const string Channel = "presence.changed";

    private static readonly TimeSpan ForgetAfter = TimeSpan.FromHours(1);
    private readonly string _processId = Guid.NewGuid().ToString("N");
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>The user's presence as this process knows it (stored, with newer activity applied).</summary>
    public async Task<PresenceState> GetAsync(string userId, CancellationToken cancellationToken)
    {
        var entry = _entries.GetOrAdd(userId, _ => new Entry());
        await entry.Gate.WaitAsync(cancellationToken);
        try
        {
            return await LoadAsync(entry, userId, cancellationToken);
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    /// <summary>Applies <paramref name="change"/> (given the current state and the time) and stores what is worth it.</summary>
    public async Task UpdateAsync(string userId, Func<PresenceState, long, PresenceState> change,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var entry = _entries.GetOrAdd(userId, _ => new Entry());
        await entry.Gate.WaitAsync(cancellationToken);
        try
        {
            var current = await LoadAsync(entry, userId, cancellationToken);
            var now = Now;
            entry.LastSeen = now;
            await ApplyAsync(entry, current, change(current, now), cancellationToken);
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    /// <summary>Counts a running /sync of the user until the result is disposed (then it counts as their last sync).</summary>
    public IDisposable SyncRunning(string userId)
    {
        var entry = _entries.GetOrAdd(userId, _ => new Entry());
        Interlocked.Increment(ref entry.Syncing);
        return new SyncScope(this, entry);
    }

    /// <summary>Loads users whose stored presence is not offline, so their timeouts run after a restart.</summary>
    public async Task LoadNotOfflineAsync(CancellationToken cancellationToken)
    {
        var now = Now;
        foreach (var state in (await store.GetNotOfflineAsync(cancellationToken)).Where(s => IsLocal(s.UserId)))
        {
            var entry = _entries.GetOrAdd(state.UserId, _ => new Entry());
            await entry.Gate.WaitAsync(cancellationToken);
            try
            {
                if (entry.Stored is null)
                {
                    (entry.Stored, entry.Current) = (state, state);
                    entry.LastSyncTs = Math.Max(entry.LastSyncTs, now); // connected clients get time to come back
                    entry.LastSeen = now;
                }
            }
            finally
            {
                entry.Gate.Release();
            }
        }
    }

    /// <summary>Runs the timeouts of every user this process tracks (idle, offline, no longer currently active).</summary>
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        foreach (var (userId, entry) in _entries)
        {
            await entry.Gate.WaitAsync(cancellationToken);
            try
            {
                var now = Now;
                if (entry.Current is not { } current || entry.Stale || !IsLocal(userId))
                {
                    continue;
                }

                var syncing = Volatile.Read(ref entry.Syncing) > 0;
                if (current.Presence == Presences.Offline && !syncing && now - entry.LastSeen > ForgetAfter.TotalMilliseconds)
                {
                    _entries.TryRemove(new KeyValuePair<string, Entry>(userId, entry));
                    continue;
                }

                await ApplyAsync(entry, current, PresenceRules.TimedOut(current, syncing,
                    Interlocked.Read(ref entry.LastSyncTs), now), cancellationToken);
            }
            finally
            {
                entry.Gate.Release();
            }
        }
    }

    /// <summary>Listens for other processes' presence changes (a no-op store when not shared).</summary>
    public ValueTask<IAsyncDisposable> SubscribeAsync(CancellationToken cancellationToken) =>
        shared.SubscribeAsync(Channel, OnSharedMessage, cancellationToken);

    /// <summary>Another process stored a user's presence: what this one had is stale.</summary>
    public void OnSharedMessage(ReadOnlyMemory<byte> message)
    {
        var parts = Encoding.UTF8.GetString(message.Span).Split('\n', 2);
        if (parts.Length == 2 && parts[0] != _processId && _entries.TryGetValue(parts[1], out var entry))
        {
            entry.Stale = true;
        }
    }

    /// <summary>
    /// A remote user's presence from an <c>m.presence</c> EDU (already checked): stored at a new position and
    /// announced to the syncs that share a room with them; what this process had in memory for them is reloaded.
    /// </summary>
    public async Task ApplyRemoteAsync(PresenceState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        await store.SaveAsync(state, cancellationToken);
        if (_entries.TryGetValue(state.UserId, out var entry))
        {
            entry.Stale = true;
        }

        await NotifyAsync(state.UserId, cancellationToken);
        await PushToAppServicesAsync(state, cancellationToken);
    }

    private async Task PushToAppServicesAsync(PresenceState state, CancellationToken cancellationToken)
    {
        if (appServices is not null)
        {
            await appServices.OnPresenceAsync(state.UserId, new System.Text.Json.Nodes.JsonObject
            {
                ["type"] = "m.presence", ["sender"] = state.UserId, ["content"] = PresenceService.Content(state, Now),
            }, cancellationToken);
        }
    }

    private bool IsLocal(string userId) => federation?.IsLocal(userId) ?? true;

    private async Task<PresenceState> LoadAsync(Entry entry, string userId, CancellationToken cancellationToken)
    {
        if (entry.Current is { } current && !entry.Stale)
        {
            return current;
        }

        entry.Stale = false;
        var stored = await store.GetAsync(userId, cancellationToken) ?? PresenceState.Unknown(userId);
        (entry.Stored, entry.Current) = (stored, stored);
        return stored;
    }

    // Compared with what was stored, not with the in-memory state: activity creeping up a second at a time must
    // still be written once it is a minute past the stored time.
    private async Task ApplyAsync(Entry entry, PresenceState current, PresenceState next,
        CancellationToken cancellationToken)
    {
        var stored = entry.Stored ?? current;
        if (PresenceRules.ShouldNotify(stored, next))
        {
            entry.Stored = entry.Current = await store.SaveAsync(next, cancellationToken);
            await NotifyAsync(next.UserId, cancellationToken);
            await PushToAppServicesAsync(entry.Stored ?? next, cancellationToken);
            if (federation is not null && IsLocal(next.UserId))
            {
                await federation.ToServersSharingRoomsWithAsync(next.UserId, EduTypes.Presence,
                    FederatedPresence(next, Now), cancellationToken);
            }
        }
        else if (PresenceRules.ShouldPersist(stored, next))
        {
            await store.TouchAsync(next.UserId, next.LastActiveTs, cancellationToken);
            entry.Stored = stored with { LastActiveTs = next.LastActiveTs };
            entry.Current = next with { StreamId = stored.StreamId };
        }
        else
        {
            entry.Current = next with { StreamId = stored.StreamId };
        }
    }

    private async Task NotifyAsync(string userId, CancellationToken cancellationToken)
    {
        if (shared.IsShared)
        {
            await shared.PublishAsync(Channel, Encoding.UTF8.GetBytes(_processId + "\n" + userId), cancellationToken);
        }

        foreach (var roomId in await rooms.GetJoinedRoomsAsync(userId, cancellationToken))
        {
            notifier.NotifyRoom(roomId);
        }

        notifier.NotifyUser(userId);
    }

    /// <summary>The content of an <c>m.presence</c> EDU for one user (server-server API, "Presence").</summary>
    public static System.Text.Json.Nodes.JsonObject FederatedPresence(PresenceState state, long now)
    {
        ArgumentNullException.ThrowIfNull(state);
        var update = new System.Text.Json.Nodes.JsonObject
        {
            ["user_id"] = state.UserId,
            ["presence"] = state.Presence,
            ["last_active_ago"] = Math.Max(0, now - state.LastActiveTs),
            ["currently_active"] = state.CurrentlyActive,
        };
        if (state.StatusMsg is not null)
        {
            update["status_msg"] = state.StatusMsg;
        }

        return new System.Text.Json.Nodes.JsonObject { ["push"] = new System.Text.Json.Nodes.JsonArray(update) };
    }

    // The gate's wait handle is never asked for, so it holds nothing to dispose; an entry may be forgotten while a
    // request still waits on its gate.
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "see above")]
    private sealed class Entry
    {
        public readonly SemaphoreSlim Gate = new(1, 1);
        public int Syncing;
        public long LastSyncTs;

        /// <summary>What the database holds (as this process last read or wrote it); null until loaded.</summary>
        public PresenceState? Stored { get; set; }

        /// <summary><see cref="Stored"/> with activity not yet worth a write.</summary>
        public PresenceState? Current { get; set; }

        public bool Stale { get; set; }

        public long LastSeen { get; set; }
    }

    private sealed class SyncScope(PresenceTracker tracker, Entry entry) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Exchange(ref entry.LastSyncTs, tracker.Now);
                Interlocked.Decrement(ref entry.Syncing);
            }
        }
    }
}
