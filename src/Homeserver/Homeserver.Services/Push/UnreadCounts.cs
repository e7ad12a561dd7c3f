using System.Text.Json.Nodes;

namespace Homeserver.Services.Push;

/// <summary>The badge count push gateways get: the number of rooms with unread notifications (as Synapse sends).</summary>
public sealed class UnreadCountReader(IPushActionStore store) : IUnreadCountReader
{
    public Task<int> GetUnreadBadgeCountAsync(string userId, CancellationToken cancellationToken) =>
        store.CountRoomsWithUnreadAsync(userId, cancellationToken);
}

/// <summary>
/// One /sync's unread counts: read in one query for the rooms likely to be sent, and room by room for any other room
/// sent after all (only ephemeral events changed in it).
/// </summary>
public sealed class SyncUnreadCounts
{
    private readonly IPushActionStore _store;
    private readonly string _userId;
    private readonly HashSet<string> _loaded;
    private readonly ILookup<string, UnreadCount> _counts;

    private SyncUnreadCounts(IPushActionStore store, string userId, HashSet<string> loaded,
        ILookup<string, UnreadCount> counts)
    {
        _store = store;
        _userId = userId;
        _loaded = loaded;
        _counts = counts;
    }

    public static async Task<SyncUnreadCounts> LoadAsync(IPushActionStore store, string userId,
        IEnumerable<string> roomIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var loaded = roomIds.ToHashSet(StringComparer.Ordinal);
        var counts = await store.GetUnreadCountsAsync(userId, loaded, cancellationToken);
        return new SyncUnreadCounts(store, userId, loaded, counts.ToLookup(c => c.RoomId, StringComparer.Ordinal));
    }

    /// <summary>The room's counts when they were read with the others, else null.</summary>
    public IReadOnlyList<UnreadCount>? Loaded(string roomId) => _loaded.Contains(roomId) ? _counts[roomId].ToList() : null;

    /// <summary>The room's unread counts per thread ("main" outside threads); empty when all is read.</summary>
    public async Task<IReadOnlyList<UnreadCount>> ForRoomAsync(string roomId, CancellationToken cancellationToken) =>
        _loaded.Contains(roomId)
            ? _counts[roomId].ToList()
            : await _store.GetUnreadCountsAsync(_userId, [roomId], cancellationToken);

    /// <summary>
    /// Adds <c>unread_notifications</c> and, when <paramref name="perThread"/> (the filter's
    /// <c>unread_thread_notifications</c>), <c>unread_thread_notifications</c> (threads other than main) to a joined
    /// room's entry; otherwise every thread counts in the room's figures.
    /// </summary>
    public static void AddTo(JsonObject room, IReadOnlyList<UnreadCount> counts, bool perThread)
    {
        ArgumentNullException.ThrowIfNull(room);
        ArgumentNullException.ThrowIfNull(counts);
        var inRoom = perThread ? counts.Where(c => c.ThreadId == PushActionEvaluator.MainThread).ToList() : counts;
        room["unread_notifications"] = Counts(inRoom.Sum(c => c.Notifications), inRoom.Sum(c => c.Highlights));
        if (perThread)
        {
            var threads = new JsonObject();
            foreach (var thread in counts.Where(c => c.ThreadId != PushActionEvaluator.MainThread &&
                                                     (c.Notifications > 0 || c.Highlights > 0)))
            {
                threads[thread.ThreadId] = Counts(thread.Notifications, thread.Highlights);
            }

            room["unread_thread_notifications"] = threads;
        }
    }

    private static JsonObject Counts(long notifications, long highlights) => new()
    {
        ["highlight_count"] = highlights,
        ["notification_count"] = notifications,
    };
}
