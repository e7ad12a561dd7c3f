using System.Text.Json;
using Homeserver.Core.Events;
using Homeserver.Services.Rooms;
using Npgsql;

namespace Homeserver.Storage.Rooms;

/// <summary>Rows written for each new event: the event, its edges, and the tables derived from it.</summary>
internal static class EventRows
{
    // The event takes the next stream position here; the statements after it read it back with currval.
    private const string InsertEventSql = """
        INSERT INTO events (event_id, room_id, stream_ordering, depth, type, state_key, sender, origin_server_ts,
                            json, state_group, replaces_state, relates_to, rel_type, contains_url, state_group_before)
        VALUES ($1, $2, nextval('event_stream_seq'), $3, $4, $5, $6, $7, $8, $9::bigint, $10, $11, $12, $13, $14::bigint)
        RETURNING stream_ordering
        """;

    private const string InsertEdgesSql = """
        INSERT INTO event_edges (event_id, prev_event_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING
        """;

    private const string InsertAuthSql = """
        INSERT INTO event_auth (event_id, auth_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING
        """;

    private const string DeleteExtremitiesSql = """
        DELETE FROM forward_extremities WHERE room_id = $1 AND event_id = ANY($2::text[])
        """;

    private const string InsertExtremitySql = "INSERT INTO forward_extremities (room_id, event_id) VALUES ($1, $2)";

    private const string UpsertCurrentStateSql = """
        INSERT INTO current_state (room_id, type, state_key, event_id) VALUES ($1, $2, $3, $4)
        ON CONFLICT (room_id, type, state_key) DO UPDATE SET event_id = EXCLUDED.event_id
        """;

    // joined_since (migration 0044) stays where a run of joins began: a join after a join changes a profile.
    private const string UpsertMembershipSql = """
        INSERT INTO room_memberships (room_id, user_id, membership, event_id, stream_ordering, joined_since)
        VALUES ($1, $2, $3, $4, currval('event_stream_seq'),
                CASE WHEN $3 = 'join' THEN currval('event_stream_seq') END)
        ON CONFLICT (room_id, user_id) DO UPDATE
        SET membership = EXCLUDED.membership, event_id = EXCLUDED.event_id,
            stream_ordering = EXCLUDED.stream_ordering, forgotten = false,
            joined_since = CASE WHEN EXCLUDED.membership <> 'join' THEN NULL
                                WHEN room_memberships.membership = 'join' AND room_memberships.joined_since IS NOT NULL
                                    THEN room_memberships.joined_since
                                ELSE EXCLUDED.joined_since END
        """;

    // Join rules and history visibility decide whether the room's members are in everyone's user directory search.
    private const string RefreshDirectoryPublicRoomSql = """
        WITH publicity AS (
            SELECT EXISTS (
                SELECT 1 FROM current_state cs JOIN events e ON e.event_id = cs.event_id
                WHERE cs.room_id = $1 AND cs.state_key = '' AND (
                    (cs.type = 'm.room.join_rules' AND e.json::jsonb #>> '{content,join_rule}' = 'public') OR
                    (cs.type = 'm.room.history_visibility' AND
                     e.json::jsonb #>> '{content,history_visibility}' = 'world_readable'))) AS is_public
        ), added AS (
            INSERT INTO user_directory_public_rooms (room_id) SELECT $1 FROM publicity WHERE is_public
            ON CONFLICT DO NOTHING
        )
        DELETE FROM user_directory_public_rooms WHERE room_id = $1 AND NOT (SELECT is_public FROM publicity)
        """;

    private const string InsertTransactionSql = """
        INSERT INTO event_txn_ids (user_id, device_id, appservice_id, txn_id, event_id, created_ts)
        VALUES ($1, $2, $3, $4, $5, $6)
        """;

    private const string ApplyRedactionSql = """
        UPDATE events SET redacted_by = $1 WHERE event_id = $2 AND room_id = $3 AND redacted_by IS NULL
        """;

    /// <summary>
    /// Adds the statements that store <paramref name="item"/> to <paramref name="batch"/>, so that a whole append
    /// goes to Postgres in one round trip. The event's stream position is the value its first statement returns.
    /// </summary>
    public static void Add(NpgsqlBatch batch, NewRoomEvent item, long? stateGroupBefore, long? stateGroup,
        string? replacesState)
    {
        var pdu = item.Pdu;
        var (relatesTo, relType) = Relation(pdu.Content);
        Command(batch, InsertEventSql, pdu.EventId, pdu.RoomId, pdu.Depth, pdu.Type, pdu.StateKey, pdu.Sender,
            pdu.OriginServerTs, pdu.Json.GetRawText(), stateGroup, replacesState, relatesTo, relType, ContainsUrl(pdu),
            stateGroupBefore);
        var prev = pdu.PrevEvents.ToArray();
        AddGraph(batch, pdu);
        Command(batch, DeleteExtremitiesSql, pdu.RoomId, prev);
        Command(batch, InsertExtremitySql, pdu.RoomId, pdu.EventId);
        if (pdu.IsState)
        {
            AddCurrentState(batch, pdu);
        }

        AddRedactionAndTransaction(batch, item);
    }

    /// <summary>The event's edges to its prev events and auth events.</summary>
    internal static void AddGraph(NpgsqlBatch batch, Pdu pdu)
    {
        Command(batch, InsertEdgesSql, pdu.EventId, pdu.PrevEvents.ToArray());
        Command(batch, InsertAuthSql, pdu.EventId, pdu.AuthEvents.ToArray());
    }

    /// <summary>A state event entering the current state, with the tables derived from it.</summary>
    internal static void AddCurrentState(NpgsqlBatch batch, Pdu pdu)
    {
        Command(batch, UpsertCurrentStateSql, pdu.RoomId, pdu.Type, pdu.StateKey, pdu.EventId);
        if (pdu.StateKey == "" && pdu.Type is "m.room.join_rules" or "m.room.history_visibility")
        {
            Command(batch, RefreshDirectoryPublicRoomSql, pdu.RoomId);
        }

        AddMembership(batch, pdu);
    }

    /// <summary>A member event's row in <c>room_memberships</c> (at the position of the event inserted last).</summary>
    internal static void AddMembership(NpgsqlBatch batch, Pdu pdu)
    {
        if (pdu.Type == EventTypes.Member && pdu.Membership is { } membership)
        {
            Command(batch, UpsertMembershipSql, pdu.RoomId, pdu.StateKey, membership, pdu.EventId);
        }
    }

    /// <summary>The redaction an event applies and the client transaction it answers, if any.</summary>
    internal static void AddRedactionAndTransaction(NpgsqlBatch batch, NewRoomEvent item, bool applyRedaction = true)
    {
        var pdu = item.Pdu;
        if (applyRedaction && pdu.Type == EventTypes.Redaction && pdu.Redacts is { } target)
        {
            // Only events the writer already authorised reach here; the redaction rules were checked then.
            Command(batch, ApplyRedactionSql, pdu.EventId, target, pdu.RoomId);
        }

        if (item.Transaction is { } txn)
        {
            Command(batch, InsertTransactionSql, txn.Scope.UserId, txn.Scope.DeviceId, txn.Scope.AppServiceId, txn.TxnId,
                pdu.EventId,
                DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        }
    }

    internal static bool ContainsUrl(Pdu pdu) =>
        pdu.Content.ValueKind == JsonValueKind.Object &&
        pdu.Content.TryGetProperty("url", out var url) && url.ValueKind == JsonValueKind.String;

    /// <summary>Adds one statement with positional parameters ($1, $2, ...); nulls are sent as typed text nulls.</summary>
    internal static void Command(NpgsqlBatch batch, string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(value is null
                ? new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text, Value = DBNull.Value }
                : new NpgsqlParameter { Value = value });
        }

        batch.BatchCommands.Add(command);
    }

    internal static (string? EventId, string? RelType) Relation(JsonElement content)
    {
        if (content.ValueKind != JsonValueKind.Object ||
            !content.TryGetProperty("m.relates_to", out var relation) || relation.ValueKind != JsonValueKind.Object)
        {
            return (null, null);
        }

        var eventId = relation.TryGetProperty("event_id", out var id) && id.ValueKind == JsonValueKind.String
            ? id.GetString()
            : null;
        var relType = relation.TryGetProperty("rel_type", out var type) && type.ValueKind == JsonValueKind.String
            ? type.GetString()
            : null;
        return (eventId, relType);
    }
}
