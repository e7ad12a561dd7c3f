using System.Collections.Concurrent;
using Dapper;
using Homeserver.Core.Events;
using Homeserver.Services.Rooms;
using Npgsql;

namespace Homeserver.Storage.Rooms;

/// <summary>
/// Appends events to rooms: one writer per room in this process (a semaphore) and across processes
/// (a transaction-scoped advisory lock on the room), rooms never waiting for each other except for the
/// short tail that assigns stream positions, which takes a global lock held until commit so positions
/// become visible in order. Each room's head is cached and reused while the room's last position in the
/// database still matches it.
/// </summary>
public sealed class RoomEventWriter(NpgsqlDataSource dataSource) : IRoomEventWriter
{
    // Any constant, the same in every process ("HSSTREAM").
    private const long StreamLockKey = 0x4853535452454D;

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _roomLocks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RoomHead> _heads = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<PersistedEvent>> AppendAsync(string roomId,
        Func<RoomHead, IReadOnlyList<NewRoomEvent>> decide, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decide);
        var gate = _roomLocks.GetOrAdd(roomId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var head = await LockAndLoadHeadAsync(connection, transaction, roomId, cancellationToken)
                       ?? throw new InvalidOperationException($"Unknown room {roomId}");
            return await PersistAsync(connection, transaction, head, decide(head), cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task<IReadOnlyList<PersistedEvent>> CreateRoomAsync(Pdu createEvent,
        Func<RoomHead, IReadOnlyList<NewRoomEvent>> decideRest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(createEvent);
        ArgumentNullException.ThrowIfNull(decideRest);
        var roomId = createEvent.RoomId;
        var gate = _roomLocks.GetOrAdd(roomId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await LockRoomAsync(connection, transaction, roomId, cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO rooms (room_id, room_version, creator, created_ts) VALUES (@roomId, @version, @creator, @ts)
                """, new
            {
                roomId, version = createEvent.Version.Id, creator = createEvent.Sender, ts = createEvent.OriginServerTs,
            }, transaction, cancellationToken: cancellationToken));
            var empty = new RoomHead(roomId, createEvent.Version, [], new Dictionary<TypeAndStateKey, Pdu>(), 0, null);
            var afterCreate = empty.After(createEvent);
            var events = new List<NewRoomEvent> { new(createEvent) };
            events.AddRange(decideRest(afterCreate));
            return await PersistAsync(connection, transaction, empty, events, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task<string?> FindTransactionAsync(ClientTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition("""
            SELECT event_id FROM event_txn_ids WHERE user_id = @UserId AND device_id = @DeviceId AND txn_id = @TxnId
            """, transaction, cancellationToken: cancellationToken));
    }

    private async Task<IReadOnlyList<PersistedEvent>> PersistAsync(NpgsqlConnection connection,
        NpgsqlTransaction transaction, RoomHead head, IReadOnlyList<NewRoomEvent> events,
        CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return [];
        }

        // State groups first: they need no stream position, so they stay outside the global lock.
        var groups = new List<(long Group, string? Replaces)>(events.Count);
        var current = head;
        foreach (var item in events)
        {
            var pdu = item.Pdu;
            var group = current.StateGroup;
            string? replaces = null;
            if (pdu.IsState)
            {
                replaces = current.State.GetValueOrDefault(pdu.StateEntryKey)?.EventId;
                var next = current.After(pdu);
                group = await StateGroups.CreateAsync(connection, transaction, head.RoomId, current.StateGroup, [pdu],
                    next.State, cancellationToken);
                current = next with { StateGroup = group };
            }
            else
            {
                current = WithRedactedState(current.After(pdu), pdu);
            }

            groups.Add((group!.Value, replaces));
        }

        // One round trip: the global stream lock, every event's rows (each taking the next stream position), and
        // the room's new head.
        await using var batch = new NpgsqlBatch(connection, transaction);
        EventRows.Command(batch, "SELECT pg_advisory_xact_lock($1)", StreamLockKey);
        for (var i = 0; i < events.Count; i++)
        {
            EventRows.Add(batch, events[i], groups[i].Group, groups[i].Replaces);
        }

        EventRows.Command(batch, """
            UPDATE rooms SET last_stream = currval('event_stream_seq'), current_state_group = $1 WHERE room_id = $2
            """, current.StateGroup, head.RoomId);
        var persisted = await ReadPositionsAsync(batch, events, cancellationToken);
        var last = persisted[^1].StreamOrdering;
        await transaction.CommitAsync(cancellationToken);
        _heads[head.RoomId] = current with { LastStream = last };
        return persisted;
    }

    /// <summary>Runs the batch and reads each event's stream position from its INSERT ... RETURNING, in order
    /// (the only statements whose result is a <c>stream_ordering</c> column).</summary>
    private static async Task<List<PersistedEvent>> ReadPositionsAsync(NpgsqlBatch batch,
        IReadOnlyList<NewRoomEvent> events, CancellationToken cancellationToken)
    {
        var persisted = new List<PersistedEvent>(events.Count);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        do
        {
            if (reader.FieldCount == 1 && reader.GetName(0) == "stream_ordering" &&
                await reader.ReadAsync(cancellationToken))
            {
                persisted.Add(new PersistedEvent(events[persisted.Count].Pdu, reader.GetInt64(0)));
            }
        }
        while (await reader.NextResultAsync(cancellationToken));

        return persisted.Count == events.Count
            ? persisted
            : throw new InvalidOperationException("An event insert returned no stream position");
    }

    private static async Task LockRoomAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string roomId,
        CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(hashtextextended(@roomId, 1))",
            new { roomId }, transaction, cancellationToken: cancellationToken));

    /// <summary>Takes the room's lock, then reads its head (one round trip; the read sees every commit made under
    /// the lock before, since each statement of a batch takes its own snapshot).</summary>
    private async Task<RoomHead?> LockAndLoadHeadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        string roomId, CancellationToken cancellationToken)
    {
        (string Version, long LastStream, long? Group) room;
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            EventRows.Command(batch, "SELECT pg_advisory_xact_lock(hashtextextended($1, 1))", roomId);
            EventRows.Command(batch,
                "SELECT room_version, last_stream, current_state_group FROM rooms WHERE room_id = $1", roomId);
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            await reader.NextResultAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            room = (reader.GetString(0), reader.GetInt64(1),
                await reader.IsDBNullAsync(2, cancellationToken) ? null : reader.GetInt64(2));
        }

        if (_heads.TryGetValue(roomId, out var cached) && cached.LastStream == room.LastStream)
        {
            return cached;
        }

        var version = RoomVersions.TryGet(room.Version, out var v) ? v : throw new InvalidOperationException(
            $"Room {roomId} has unknown version {room.Version}");
        var extremities = await LoadEventsAsync(connection, transaction, version,
            "SELECT e.event_id, e.json, false FROM forward_extremities f JOIN events e USING (event_id) WHERE f.room_id = @roomId",
            roomId, cancellationToken);
        var state = await LoadEventsAsync(connection, transaction, version, """
            SELECT e.event_id, e.json, e.redacted_by IS NOT NULL FROM current_state c JOIN events e USING (event_id)
            WHERE c.room_id = @roomId
            """, roomId, cancellationToken);
        var head = new RoomHead(roomId, version, extremities, state.ToDictionary(p => p.StateEntryKey), room.LastStream,
            room.Group);
        _heads[roomId] = head;
        return head;
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

    // The auth rules read redacted state events in their redacted form: a redaction of a current state event
    // changes what the next events are checked against.
    private static RoomHead WithRedactedState(RoomHead head, Pdu pdu)
    {
        if (pdu.Type != EventTypes.Redaction || pdu.Redacts is not { } target ||
            head.State.Values.FirstOrDefault(e => e.EventId == target) is not { } stateEvent)
        {
            return head;
        }

        return head with
        {
            State = new Dictionary<TypeAndStateKey, Pdu>(head.State) { [stateEvent.StateEntryKey] = Redacted(stateEvent) },
        };
    }

    private static Pdu Redacted(Pdu pdu) =>
        Pdu.FromTrusted(Redaction.Redact(pdu.ToJsonObject(), pdu.Version).ToJsonString(), pdu.Version, pdu.EventId);
}
