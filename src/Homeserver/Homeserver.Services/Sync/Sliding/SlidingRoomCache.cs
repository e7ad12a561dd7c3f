using System.Collections.Concurrent;

namespace Homeserver.Services.Sync.Sliding;

/// <summary>
/// The rooms of users who are sliding-syncing, as of a stream position, kept in this process so that a pass reads
/// only the rooms that changed since (<see cref="ISlidingSyncReader.GetRoomsAsync"/> with <c>changedSince</c>): for a
/// user in 1,000 rooms an incremental pass costs what happened since, not 1,000 index probes. Changes that leave no
/// event (forgetting a room, a purge) are seen when an entry is read in full again: after <see cref="MaxAge"/>, or
/// when a connection starts. Bounded: at most <see cref="MaxUsers"/> users, the least recently used dropped first.
/// </summary>
public sealed class SlidingRoomCache(ISlidingSyncReader reader, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);
    public const int MaxUsers = 2_048;

    /// <summary>Further behind than this, a full read is cheaper than the changes.</summary>
    public const long MaxDeltaPositions = 20_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>The user's rooms up to <paramref name="upTo"/>, with the encryption and room type columns when asked.
    /// <paramref name="fresh"/> reads them all (a new connection).</summary>
    public async Task<IReadOnlyCollection<SlidingRoomRow>> GetAsync(string userId, long upTo, bool withEncryption,
        bool withRoomType, bool fresh, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (!fresh && _entries.TryGetValue(userId, out var entry) && entry.UpTo <= upTo &&
            upTo - entry.UpTo <= MaxDeltaPositions && now - entry.ReadInFullAt < MaxAge &&
            (entry.WithEncryption || !withEncryption) && (entry.WithRoomType || !withRoomType))
        {
            if (entry.UpTo == upTo)
            {
                entry.LastUsed = now;
                return entry.Rooms.Values;
            }

            var changed = await reader.GetRoomsAsync(userId, upTo, entry.WithEncryption, entry.WithRoomType, entry.UpTo,
                cancellationToken);
            var rooms = new Dictionary<string, SlidingRoomRow>(entry.Rooms, StringComparer.Ordinal);
            foreach (var row in changed)
            {
                rooms[row.RoomId] = row;
            }

            Store(userId, new Entry(upTo, entry.WithEncryption, entry.WithRoomType, rooms, entry.ReadInFullAt) { LastUsed = now });
            return rooms.Values;
        }

        var all = await reader.GetRoomsAsync(userId, upTo, withEncryption, withRoomType, null, cancellationToken);
        var read = all.ToDictionary(r => r.RoomId, StringComparer.Ordinal);
        Store(userId, new Entry(upTo, withEncryption, withRoomType, read, now) { LastUsed = now });
        return read.Values;
    }

    private void Store(string userId, Entry entry)
    {
        // Concurrent passes of one user (two devices): the entry at the later position stays.
        _entries.AddOrUpdate(userId, entry, (_, existing) => existing.UpTo > entry.UpTo ? existing : entry);
        if (_entries.Count > MaxUsers)
        {
            foreach (var stale in _entries.OrderBy(e => e.Value.LastUsed).Take(_entries.Count - MaxUsers * 3 / 4).ToList())
            {
                _entries.TryRemove(stale);
            }
        }
    }

    // Rooms is never changed once stored: a later pass copies it.
    private sealed record Entry(long UpTo, bool WithEncryption, bool WithRoomType,
        Dictionary<string, SlidingRoomRow> Rooms, DateTimeOffset ReadInFullAt)
    {
        public DateTimeOffset LastUsed { get; set; }
    }
}
