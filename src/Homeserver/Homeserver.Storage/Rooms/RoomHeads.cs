using System.Collections.Immutable;
using Dapper;
using Homeserver.Core.Events;
using Homeserver.Services.Rooms;
using Npgsql;

namespace Homeserver.Storage.Rooms;

/// <summary>
/// Each room's head (forward extremities, current state, last position), cached in memory and reused while the
/// room's <c>last_stream</c> in the database still matches it; loaded from Postgres otherwise (another process wrote).
/// The cache is bounded by the number of state entries its heads hold (a big room weighs what its state weighs):
/// least recently used rooms are dropped beyond the bound, except the room used last, however big.
/// </summary>
internal sealed class RoomHeads(int maxStateEntries)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedListNode<RoomHead>> _byRoom = new(StringComparer.Ordinal);
    private readonly LinkedList<RoomHead> _recency = new(); // most recently used first
    private long _stateEntries;

    /// <summary>The row of <c>rooms</c> a head is checked against.</summary>
    public sealed record RoomRow(string RoomId, string Version, long LastStream, long? Group);

    /// <summary>State entries held by the cached heads (heads of one room share entries; each room counts once).</summary>
    public long StateEntries
    {
        get
        {
            lock (_lock)
            {
                return _stateEntries;
            }
        }
    }

    public void Set(RoomHead head)
    {
        lock (_lock)
        {
            if (_byRoom.TryGetValue(head.RoomId, out var node))
            {
                _stateEntries -= node.Value.State.Count;
                node.Value = head;
                _recency.Remove(node);
                _recency.AddFirst(node);
            }
            else
            {
                _byRoom[head.RoomId] = _recency.AddFirst(head);
            }

            _stateEntries += head.State.Count;
            while (_stateEntries > maxStateEntries && _recency.Count > 1)
            {
                var oldest = _recency.Last!;
                _recency.RemoveLast();
                _byRoom.Remove(oldest.Value.RoomId);
                _stateEntries -= oldest.Value.State.Count;
            }
        }
    }

    public void Remove(string roomId)
    {
        lock (_lock)
        {
            if (_byRoom.Remove(roomId, out var node))
            {
                _recency.Remove(node);
                _stateEntries -= node.Value.State.Count;
            }
        }
    }

    /// <summary>The cached head of the room, if any (it may be stale if another process wrote since).</summary>
    public bool TryGet(string roomId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out RoomHead? head)
    {
        lock (_lock)
        {
            if (!_byRoom.TryGetValue(roomId, out var node))
            {
                head = null;
                return false;
            }

            _recency.Remove(node);
            _recency.AddFirst(node);
            head = node.Value;
            return true;
        }
    }

    /// <summary>The head matching <paramref name="row"/>, from the cache or loaded in the transaction.</summary>
    /// <param name="remember">False for a head read outside the room's lock: its reads may straddle another
    /// process's commit, and the writer may have cached a newer head meanwhile; it is not cached.</param>
    public async Task<RoomHead> GetAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, RoomRow row,
        CancellationToken cancellationToken, bool remember = true)
    {
        if (TryGet(row.RoomId, out var cached) && cached.LastStream == row.LastStream)
        {
            return cached;
        }

        var version = RoomVersions.TryGet(row.Version, out var v) ? v : throw new InvalidOperationException(
            $"Room {row.RoomId} has unknown version {row.Version}");
        var extremities = await LoadEventsAsync(connection, transaction, version,
            "SELECT e.event_id, e.json, false FROM forward_extremities f JOIN events e USING (event_id) WHERE f.room_id = @roomId",
            row.RoomId, cancellationToken);
        var state = await LoadEventsAsync(connection, transaction, version, """
            SELECT e.event_id, e.json, e.redacted_by IS NOT NULL FROM current_state c JOIN events e USING (event_id)
            WHERE c.room_id = @roomId
            """, row.RoomId, cancellationToken);
        var head = new RoomHead(row.RoomId, version, extremities, state.ToImmutableDictionary(p => p.StateEntryKey),
            row.LastStream, row.Group);
        if (remember)
        {
            Set(head);
        }

        return head;
    }

    /// <summary>Adds the room's write lock (every process takes it, held to commit) to <paramref name="batch"/>.</summary>
    public static void AddLock(NpgsqlBatch batch, string roomId) =>
        EventRows.Command(batch, "SELECT pg_advisory_xact_lock(hashtextextended($1, 1))", roomId);

    /// <summary>Adds to <paramref name="batch"/> the room's lock and the read of its row (the read sees every commit
    /// made under the lock before, since each statement of a batch takes its own snapshot).</summary>
    public static void AddLockAndRead(NpgsqlBatch batch, string roomId)
    {
        AddLock(batch, roomId);
        EventRows.Command(batch,
            "SELECT room_id, room_version, last_stream, current_state_group FROM rooms WHERE room_id = $1 AND NOT out_of_band",
            roomId);
    }

    /// <summary>Reads the results of <see cref="AddLockAndRead"/> for each room in order (null: no such room, or one
    /// known only out of band, without a head).</summary>
    public static async Task<List<RoomRow?>> ReadRowsAsync(NpgsqlBatch batch, int rooms,
        CancellationToken cancellationToken)
    {
        var rows = new List<RoomRow?>(rooms);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        for (var i = 0; i < rooms; i++)
        {
            await reader.NextResultAsync(cancellationToken); // past the lock's result
            rows.Add(await reader.ReadAsync(cancellationToken)
                ? new RoomRow(reader.GetString(0), reader.GetString(1), reader.GetInt64(2),
                    await reader.IsDBNullAsync(3, cancellationToken) ? null : reader.GetInt64(3))
                : null);
            await reader.NextResultAsync(cancellationToken);
        }

        return rows;
    }

    /// <summary>The room's row as it is now, outside any lock (null: no such room, or no head: out of band).</summary>
    public static async Task<RoomRow?> ReadRowAsync(NpgsqlConnection connection, string roomId,
        CancellationToken cancellationToken) =>
        await connection.QuerySingleOrDefaultAsync<RoomRow>(new CommandDefinition("""
            SELECT room_id AS RoomId, room_version AS Version, last_stream AS LastStream,
                   current_state_group AS "Group"
            FROM rooms WHERE room_id = @roomId AND NOT out_of_band
            """, new { roomId }, cancellationToken: cancellationToken));

    private static async Task<List<Pdu>> LoadEventsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction,
        RoomVersion version, string sql, string roomId, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<(string EventId, string Json, bool Redacted)>(new CommandDefinition(sql,
            new { roomId }, transaction, cancellationToken: cancellationToken));
        return rows.Select(r => r.Redacted
            ? Redacted(Pdu.FromTrusted(r.Json, version, r.EventId))
            : Pdu.FromTrusted(r.Json, version, r.EventId)).ToList();
    }

    internal static Pdu Redacted(Pdu pdu) =>
        Pdu.FromTrusted(Redaction.Redact(pdu.ToJsonObject(), pdu.Version).ToJsonString(), pdu.Version, pdu.EventId);
}
