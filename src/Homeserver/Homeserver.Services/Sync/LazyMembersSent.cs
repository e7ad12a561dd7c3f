using System.Collections.Concurrent;

namespace Homeserver.Services.Sync;

/// <summary>
/// Which member events each device has already been sent in a room while lazy-loading members, so that later
/// syncs leave them out (unless the filter sets <c>include_redundant_members</c>). Kept in memory by each process:
/// a device syncing through another process, or after this one forgets, merely gets redundant members again,
/// which the spec allows. Bounded: past <see cref="MaxEntries"/> rooms-times-devices it starts over.
/// </summary>
public sealed class LazyMembersSent
{
    private const int MaxEntries = 100_000;
    private const int MaxMembersPerEntry = 1_000;

    private readonly ConcurrentDictionary<(string UserId, string DeviceId, string RoomId), HashSet<string>> _sent = new();

    /// <summary>Forgets what the device was sent in the room (initial sync, full_state, a new join).</summary>
    public void Reset(string userId, string deviceId, string roomId) => _sent.TryRemove((userId, deviceId, roomId), out _);

    /// <summary>Whether the member event was already sent to the device.</summary>
    public bool WasSent(string userId, string deviceId, string roomId, string eventId) =>
        _sent.TryGetValue((userId, deviceId, roomId), out var set) && Contains(set, eventId);

    /// <summary>Records member events as sent to the device.</summary>
    public void MarkSent(string userId, string deviceId, string roomId, IEnumerable<string> eventIds)
    {
        if (_sent.Count >= MaxEntries)
        {
            _sent.Clear();
        }

        var set = _sent.GetOrAdd((userId, deviceId, roomId), _ => new HashSet<string>(StringComparer.Ordinal));
        lock (set)
        {
            if (set.Count >= MaxMembersPerEntry)
            {
                set.Clear();
            }

            set.UnionWith(eventIds);
        }
    }

    private static bool Contains(HashSet<string> set, string eventId)
    {
        lock (set)
        {
            return set.Contains(eventId);
        }
    }
}
