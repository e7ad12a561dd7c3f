using Dapper;
using Homeserver.Services.Sync.Sliding;
using Npgsql;

namespace Homeserver.Storage.Sync;

/// <summary>
/// Sliding sync's queries over <c>room_memberships</c>, <c>events</c>, <c>rooms</c> and <c>current_state</c>
/// (migration 0003); the bump stamp uses the partial index <c>events_room_bump</c> (migration 0047).
/// </summary>
public sealed class SlidingSyncReader(NpgsqlDataSource dataSource) : ISlidingSyncReader
{
    // The type list must stay the index's predicate word for word, so the planner can use it.
    private const string RoomsSql = """
        SELECT m.room_id AS RoomId, m.membership AS Membership, m.event_id AS EventId,
               m.stream_ordering AS StreamOrdering, m.forgotten AS Forgotten,
               coalesce(me.sender, '') AS MembershipSender,
               (SELECT e.stream_ordering FROM events e
                WHERE e.room_id = m.room_id AND e.stream_ordering <= @upTo
                  AND e.type IN ('m.room.create', 'm.room.message', 'm.room.encrypted', 'm.sticker', 'm.call.invite',
                                 'm.poll.start', 'm.beacon_info')
                  AND e.rejected_reason IS NULL AND NOT e.soft_failed AND NOT e.outlier
                ORDER BY e.stream_ordering DESC LIMIT 1) AS BumpStamp,
               coalesce(r.last_stream, 0) AS LastStream,
               @withEncryption AND EXISTS (SELECT 1 FROM current_state cs
                       WHERE cs.room_id = m.room_id AND cs.type = 'm.room.encryption' AND cs.state_key = '') AS IsEncrypted,
               CASE WHEN @withRoomType THEN (SELECT ce.json::jsonb -> 'content' ->> 'type' FROM current_state cs
                JOIN events ce ON ce.event_id = cs.event_id
                WHERE cs.room_id = m.room_id AND cs.type = 'm.room.create' AND cs.state_key = '') END AS RoomType
        FROM room_memberships m
        LEFT JOIN events me ON me.event_id = m.event_id
        LEFT JOIN rooms r ON r.room_id = m.room_id
        WHERE m.user_id = @userId
        """;

    // Rooms with an event in (since, upTo], or where the user's membership changed since: both scans are bounded by
    // what happened since, through the unique index on events.stream_ordering and room_memberships_stream.
    private const string ChangedSinceSql = """

          AND m.room_id IN (SELECT e.room_id FROM events e WHERE e.stream_ordering > @since AND e.stream_ordering <= @upTo
                            UNION
                            SELECT c.room_id FROM room_memberships c WHERE c.stream_ordering > @since AND c.user_id = @userId)
        """;

    private const string SpaceChildrenSql = """
        SELECT DISTINCT cs.state_key FROM current_state cs JOIN events e ON e.event_id = cs.event_id
        WHERE cs.room_id = ANY(@spaceIds) AND cs.type = 'm.space.child' AND e.redacted_by IS NULL
          AND jsonb_typeof(e.json::jsonb -> 'content' -> 'via') = 'array'
          AND jsonb_array_length(e.json::jsonb -> 'content' -> 'via') > 0
        """;

    public async Task<IReadOnlyList<SlidingRoomRow>> GetRoomsAsync(string userId, long upTo, bool withEncryption,
        bool withRoomType, long? changedSince, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var sql = changedSince is null ? RoomsSql : RoomsSql + ChangedSinceSql;
        return (await connection.QueryAsync<SlidingRoomRow>(new CommandDefinition(sql,
            new { userId, upTo, withEncryption, withRoomType, since = changedSince ?? 0 },
            cancellationToken: cancellationToken))).ToList();
    }

    public async Task<IReadOnlySet<string>> GetSpaceChildrenAsync(IReadOnlyCollection<string> spaceIds,
        CancellationToken cancellationToken)
    {
        if (spaceIds.Count == 0)
        {
            return new HashSet<string>(StringComparer.Ordinal);
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<string>(new CommandDefinition(SpaceChildrenSql,
            new { spaceIds = spaceIds.ToArray() }, cancellationToken: cancellationToken)))
            .ToHashSet(StringComparer.Ordinal);
    }
}
