using System.Text.Json;
using Dapper;
using Homeserver.Core.Events;
using Homeserver.Services.Rooms;
using Npgsql;

namespace Homeserver.Storage.Rooms;

/// <summary>Rows written for each new event: the event, its edges, and the tables derived from it.</summary>
internal static class EventRows
{
    private const string InsertEventSql = """
        INSERT INTO events (event_id, room_id, stream_ordering, depth, type, state_key, sender, origin_server_ts,
                            json, state_group, replaces_state, relates_to, rel_type, contains_url)
        VALUES (@eventId, @roomId, @stream, @depth, @type, @stateKey, @sender, @ts, @json, @stateGroup,
                @replacesState, @relatesTo, @relType, @containsUrl)
        """;

    private const string InsertEdgesSql = """
        INSERT INTO event_edges (event_id, prev_event_id) SELECT @eventId, unnest(@prev) ON CONFLICT DO NOTHING;
        INSERT INTO event_auth (event_id, auth_id) SELECT @eventId, unnest(@auth) ON CONFLICT DO NOTHING;
        """;

    private const string ReplaceExtremitiesSql = """
        DELETE FROM forward_extremities WHERE room_id = @roomId AND event_id = ANY(@prev);
        INSERT INTO forward_extremities (room_id, event_id) VALUES (@roomId, @eventId);
        """;

    private const string UpsertCurrentStateSql = """
        INSERT INTO current_state (room_id, type, state_key, event_id) VALUES (@roomId, @type, @stateKey, @eventId)
        ON CONFLICT (room_id, type, state_key) DO UPDATE SET event_id = EXCLUDED.event_id
        """;

    private const string UpsertMembershipSql = """
        INSERT INTO room_memberships (room_id, user_id, membership, event_id, stream_ordering)
        VALUES (@roomId, @userId, @membership, @eventId, @stream)
        ON CONFLICT (room_id, user_id) DO UPDATE
        SET membership = EXCLUDED.membership, event_id = EXCLUDED.event_id,
            stream_ordering = EXCLUDED.stream_ordering, forgotten = false
        """;

    private const string InsertTransactionSql = """
        INSERT INTO event_txn_ids (user_id, device_id, txn_id, event_id, created_ts)
        VALUES (@UserId, @DeviceId, @TxnId, @eventId, @now)
        """;

    private const string ApplyRedactionSql = """
        UPDATE events SET redacted_by = @eventId
        WHERE event_id = @target AND room_id = @roomId AND redacted_by IS NULL
        """;

    public static async Task InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        NewRoomEvent item, long stream, long stateGroup, string? replacesState, CancellationToken cancellationToken)
    {
        var pdu = item.Pdu;
        var (relatesTo, relType) = Relation(pdu.Content);
        await connection.ExecuteAsync(new CommandDefinition(InsertEventSql, new
        {
            eventId = pdu.EventId, roomId = pdu.RoomId, stream, depth = pdu.Depth, type = pdu.Type,
            stateKey = pdu.StateKey, sender = pdu.Sender, ts = pdu.OriginServerTs, json = pdu.Json.GetRawText(),
            stateGroup, replacesState, relatesTo, relType,
            containsUrl = pdu.Content.ValueKind == JsonValueKind.Object &&
                          pdu.Content.TryGetProperty("url", out var url) && url.ValueKind == JsonValueKind.String,
        }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(InsertEdgesSql, new
        {
            eventId = pdu.EventId, prev = pdu.PrevEvents.ToArray(), auth = pdu.AuthEvents.ToArray(),
        }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(ReplaceExtremitiesSql, new
        {
            roomId = pdu.RoomId, eventId = pdu.EventId, prev = pdu.PrevEvents.ToArray(),
        }, transaction, cancellationToken: cancellationToken));
        if (pdu.IsState)
        {
            await connection.ExecuteAsync(new CommandDefinition(UpsertCurrentStateSql, new
            {
                roomId = pdu.RoomId, type = pdu.Type, stateKey = pdu.StateKey, eventId = pdu.EventId,
            }, transaction, cancellationToken: cancellationToken));
        }

        if (pdu.Type == EventTypes.Member && pdu.Membership is { } membership)
        {
            await connection.ExecuteAsync(new CommandDefinition(UpsertMembershipSql, new
            {
                roomId = pdu.RoomId, userId = pdu.StateKey, membership, eventId = pdu.EventId, stream,
            }, transaction, cancellationToken: cancellationToken));
        }

        if (pdu.Type == EventTypes.Redaction && pdu.Redacts is { } target)
        {
            // Only events the writer already authorised reach here; the redaction rules were checked then.
            await connection.ExecuteAsync(new CommandDefinition(ApplyRedactionSql, new
            {
                eventId = pdu.EventId, target, roomId = pdu.RoomId,
            }, transaction, cancellationToken: cancellationToken));
        }

        if (item.Transaction is { } txn)
        {
            await connection.ExecuteAsync(new CommandDefinition(InsertTransactionSql, new
            {
                txn.UserId, txn.DeviceId, txn.TxnId, eventId = pdu.EventId,
                now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            }, transaction, cancellationToken: cancellationToken));
        }
    }

    private static (string? EventId, string? RelType) Relation(JsonElement content)
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
