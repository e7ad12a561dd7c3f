using System.Collections.Concurrent;
using Dapper;
using Homeserver.Core.Events;
using Homeserver.Services.Rooms;
using Npgsql;

namespace Homeserver.Storage.Rooms;

/// <summary>
/// Each room's head (forward extremities, current state, last position), cached in memory and reused while the
/// room's <c>last_stream</c> in the database still matches it; loaded from Postgres otherwise (another process wrote).
/// </summary>
internal sealed class RoomHeads
{
    private readonly ConcurrentDictionary<string, RoomHead> _heads = new(StringComparer.Ordinal);

    /// <summary>The row of <c>rooms</c> a head is checked against.</summary>
    public sealed record RoomRow(string RoomId, string Version, long LastStream, long? Group);

    public void Set(RoomHead head) => _heads[head.RoomId] = head;

    /// <summary>The cached head of the room, if any (it may be stale if another process wrote since).</summary>
    public bool TryGet(string roomId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out RoomHead? head) =>
        _heads.TryGetValue(roomId, out head);

    /// <summary>The head matching <paramref name="row"/>, from the cache or loaded in the transaction.</summary>
    public async Task<RoomHead> GetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, RoomRow row,
        CancellationToken cancellationToken)
    {
        if (_heads.TryGetValue(row.RoomId, out var cached) && cached.LastStream == row.LastStream)
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
        var head = new RoomHead(row.RoomId, version, extremities, state.ToDictionary(p => p.StateEntryKey),
            row.LastStream, row.Group);
        _heads[row.RoomId] = head;
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
            "SELECT room_id, room_version, last_stream, current_state_group FROM rooms WHERE room_id = $1", roomId);
    }

    /// <summary>Reads the results of <see cref="AddLockAndRead"/> for each room in order (null: no such room).</summary>
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

    private static async Task<List<Pdu>> LoadEventsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
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
