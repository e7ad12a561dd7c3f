using Homeserver.Core.Events;
using Homeserver.Services.Rooms;
using Homeserver.Services.Rooms.Input;
using Npgsql;

namespace Homeserver.Storage.Rooms;

/// <summary>
/// Rows written for an event placed by the input path: the event with its status (outlier, rejected, soft-failed;
/// a timeline position only when it is in the timeline: the next one when new, a negative one when backfilled),
/// its edges, and the changes of forward extremities and current state its placement decided.
/// </summary>
internal static class PlacedEventRows
{
    private const string InsertEventSql = """
        INSERT INTO events (event_id, room_id, stream_ordering, depth, type, state_key, sender, origin_server_ts,
                            json, state_group, replaces_state, relates_to, rel_type, contains_url, state_group_before,
                            outlier, rejected_reason, soft_failed)
        VALUES ($1, $2, CASE $15 WHEN 'new' THEN nextval('event_stream_seq')
                                 WHEN 'backfill' THEN COALESCE($19::bigint, -nextval('event_backfill_seq')) END,
                $3, $4, $5, $6, $7, $8, $9::bigint, $10, $11, $12, $13, $14::bigint, $16, $17, $18)
        RETURNING stream_ordering
        """;

    private const string DeleteExtremitiesSql = """
        DELETE FROM forward_extremities WHERE room_id = $1 AND event_id = ANY($2::text[])
        """;

    private const string InsertExtremitiesSql = """
        INSERT INTO forward_extremities (room_id, event_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING
        """;

    private const string DeleteCurrentStateSql = """
        DELETE FROM current_state WHERE room_id = $1 AND type = $2 AND state_key = $3
        """;

    private const string DeleteMembershipSql = "DELETE FROM room_memberships WHERE room_id = $1 AND user_id = $2";

    /// <param name="head">The room's head before the event.</param>
    public static void Add(NpgsqlBatch batch, NewRoomEvent item, EventPlacement placement,
        EventPersistence.EventGroups groups, RoomHead head)
    {
        var pdu = item.Pdu;
        var (relatesTo, relType) = EventRows.Relation(pdu.Content);
        var position = !placement.InTimeline ? "none" : placement.Kind == InputKind.Backfill ? "backfill" : "new";
        EventRows.Command(batch, InsertEventSql, pdu.EventId, pdu.RoomId, pdu.Depth, pdu.Type, pdu.StateKey,
            pdu.Sender, pdu.OriginServerTs, pdu.Json.GetRawText(), groups.After, groups.Replaces, relatesTo, relType,
            EventRows.ContainsUrl(pdu), groups.Before, position, placement.Kind == InputKind.Outlier,
            placement.RejectedReason, placement.SoftFailed, placement.BackfillPosition);
        EventRows.AddGraph(batch, pdu);
        if (placement.ExtremitiesAfter is { } extremities)
        {
            var old = head.ForwardExtremities.Select(e => e.EventId).ToHashSet(StringComparer.Ordinal);
            var now = extremities.Select(e => e.EventId).ToHashSet(StringComparer.Ordinal);
            EventRows.Command(batch, DeleteExtremitiesSql, pdu.RoomId, old.Except(now).ToArray());
            EventRows.Command(batch, InsertExtremitiesSql, pdu.RoomId, now.Except(old).ToArray());
        }

        if (placement is { CurrentStateAfter: not null, FollowsHead: true })
        {
            if (pdu.IsState && placement.TakesEffect)
            {
                EventRows.AddCurrentState(batch, pdu);
            }
        }
        else if (placement.CurrentStateAfter is { } current)
        {
            foreach (var (key, removed) in head.State.Where(p => !current.ContainsKey(p.Key)))
            {
                EventRows.Command(batch, DeleteCurrentStateSql, pdu.RoomId, key.Type, key.StateKey);
                if (removed.Type == EventTypes.Member)
                {
                    EventRows.Command(batch, DeleteMembershipSql, pdu.RoomId, key.StateKey);
                }
            }

            foreach (var changed in current.Values.Where(p => head.State.GetValueOrDefault(p.StateEntryKey)?.EventId
                                                              != p.EventId))
            {
                EventRows.AddCurrentState(batch, changed);
            }
        }

        EventRows.AddRedactionAndTransaction(batch, item, applyRedaction: placement.InTimeline);
    }
}
