using Dapper;
using Homeserver.Services.Push;
using Npgsql;

namespace Homeserver.Storage.Push;

/// <summary>
/// Reads <c>event_push_actions</c> (migration 0015) and the actions still pending (migration 0043: written with the
/// events, <see cref="PushActionRows"/>, moved by <see cref="PushActionMover"/>) against the
/// user's m.read / m.read.private receipts (migration 0008): a notification is read when its stream position is at or
/// before the receipt's event, the later of the unthreaded receipt and its thread's own.
/// </summary>
public sealed class PushActionStore(NpgsqlDataSource dataSource) : IPushActionStore
{
    // Each room's unthreaded receipt bounds a range of event_push_actions_user_room_stream (migration 0015); threaded
    // receipts then drop what their thread's receipt covers. Actions still pending (migration 0043: the few events
    // committed but not yet moved) count too, found by the user's index in each pending row's arrays. Bulk rows
    // (migration 0044) count from where the user's join began: in the main timeline as the difference of the room's
    // main_seq at the newest row and at the user's read position, less the user's exceptions between; in threads one
    // by one.
    private const string UnreadSql = """
        WITH receipt AS (
            SELECT rc.room_id, rc.thread_id, max(e.stream_ordering) AS pos
            FROM receipts rc JOIN events e ON e.event_id = rc.event_id
            WHERE rc.room_id = ANY(@rooms) AND rc.user_id = @user AND rc.receipt_type IN ('m.read', 'm.read.private')
            GROUP BY rc.room_id, rc.thread_id
        ), mine AS (
            SELECT a.room_id, a.thread_id, a.notif, a.highlight, a.stream_ordering
            FROM unnest(@rooms) AS r(room_id)
            LEFT JOIN receipt unthreaded ON unthreaded.room_id = r.room_id AND unthreaded.thread_id = ''
            JOIN event_push_actions a
              ON a.user_id = @user AND a.room_id = r.room_id AND a.stream_ordering > coalesce(unthreaded.pos, 0)
            UNION ALL
            SELECT p.room_id, p.thread_ids[u.i], p.notifs[u.i], p.highlights[u.i], p.stream_ordering
            FROM event_push_actions_pending p
            CROSS JOIN LATERAL (SELECT array_position(p.user_ids, @user) AS i) u
            WHERE p.room_id = ANY(@rooms) AND u.i IS NOT NULL
        ), explicit AS (
            SELECT a.room_id, a.thread_id, count(*) FILTER (WHERE a.notif) AS notifications,
                   count(*) FILTER (WHERE a.highlight) AS highlights, max(a.stream_ordering) AS newest
            FROM mine a
            LEFT JOIN receipt unthreaded ON unthreaded.room_id = a.room_id AND unthreaded.thread_id = ''
            LEFT JOIN receipt threaded ON threaded.room_id = a.room_id AND threaded.thread_id = a.thread_id
            WHERE a.stream_ordering > coalesce(unthreaded.pos, 0) AND a.stream_ordering > coalesce(threaded.pos, 0)
            GROUP BY a.room_id, a.thread_id
        ), joined AS (
            SELECT m.room_id, m.joined_since, coalesce(unthreaded.pos, 0) AS unthreaded_pos,
                   greatest(m.joined_since, coalesce(unthreaded.pos, 0), coalesce(main.pos, 0)) AS main_pos
            FROM room_memberships m
            LEFT JOIN receipt unthreaded ON unthreaded.room_id = m.room_id AND unthreaded.thread_id = ''
            LEFT JOIN receipt main ON main.room_id = m.room_id AND main.thread_id = 'main'
            WHERE m.room_id = ANY(@rooms) AND m.user_id = @user AND m.membership = 'join'
              AND m.joined_since IS NOT NULL
        ), bulk_main AS (
            SELECT j.room_id, 'main' AS thread_id,
                   newest.main_seq - coalesce(read.main_seq, 0) - (
                       SELECT count(*) FROM event_push_bulk_exceptions x
                       WHERE x.user_id = @user AND x.room_id = j.room_id AND x.stream_ordering > j.main_pos
                         AND x.thread_id = 'main') AS notifications,
                   0::bigint AS highlights, newest.stream_ordering AS newest
            FROM joined j
            CROSS JOIN LATERAL (SELECT b.main_seq, b.stream_ordering FROM event_push_bulk b WHERE b.room_id = j.room_id
                                ORDER BY b.stream_ordering DESC LIMIT 1) newest
            LEFT JOIN LATERAL (SELECT b.main_seq FROM event_push_bulk b
                               WHERE b.room_id = j.room_id AND b.stream_ordering <= j.main_pos
                               ORDER BY b.stream_ordering DESC LIMIT 1) read ON true
            WHERE newest.stream_ordering > j.main_pos
        ), bulk_threads AS (
            SELECT b.room_id, b.thread_id, count(*) AS notifications, 0::bigint AS highlights,
                   max(b.stream_ordering) AS newest
            FROM joined j
            JOIN event_push_bulk b ON b.room_id = j.room_id AND b.thread_id <> 'main'
                                  AND b.stream_ordering > greatest(j.joined_since, j.unthreaded_pos)
            LEFT JOIN receipt threaded ON threaded.room_id = b.room_id AND threaded.thread_id = b.thread_id
            WHERE b.stream_ordering > coalesce(threaded.pos, 0)
              AND NOT EXISTS (SELECT 1 FROM event_push_bulk_exceptions x
                              WHERE x.user_id = @user AND x.room_id = b.room_id AND x.stream_ordering = b.stream_ordering)
            GROUP BY b.room_id, b.thread_id
        )
        SELECT c.room_id AS RoomId, c.thread_id AS ThreadId, sum(c.notifications)::bigint AS Notifications,
               sum(c.highlights)::bigint AS Highlights, max(c.newest) AS Newest
        FROM (SELECT * FROM explicit UNION ALL SELECT * FROM bulk_main UNION ALL SELECT * FROM bulk_threads) c
        GROUP BY c.room_id, c.thread_id
        HAVING sum(c.notifications) > 0 OR sum(c.highlights) > 0
        """;

    private const string JoinedRoomsSql = """
        SELECT room_id FROM room_memberships WHERE user_id = @user AND membership = 'join'
        """;

    private const string NotificationsSql = """
        WITH mine AS (
            SELECT a.room_id, a.event_id, a.stream_ordering, a.thread_id, a.actions::text AS actions, a.ts
            FROM event_push_actions a
            WHERE a.user_id = @user AND a.stream_ordering < @before AND a.notif AND (a.highlight OR NOT @onlyHighlight)
            UNION ALL
            SELECT p.room_id, p.event_id, p.stream_ordering, p.thread_ids[u.i], p.actions[u.i], p.ts
            FROM event_push_actions_pending p
            CROSS JOIN LATERAL (SELECT array_position(p.user_ids, @user) AS i) u
            WHERE u.i IS NOT NULL AND p.stream_ordering < @before AND p.notifs[u.i]
              AND (p.highlights[u.i] OR NOT @onlyHighlight)
            UNION ALL
            (SELECT b.room_id, b.event_id, b.stream_ordering, b.thread_id, b.actions, b.ts
             FROM room_memberships m
             JOIN event_push_bulk b ON b.room_id = m.room_id AND b.stream_ordering > m.joined_since
             WHERE m.user_id = @user AND m.membership = 'join' AND b.stream_ordering < @before AND NOT @onlyHighlight
               AND NOT EXISTS (SELECT 1 FROM event_push_bulk_exceptions x
                               WHERE x.user_id = @user AND x.room_id = b.room_id
                                 AND x.stream_ordering = b.stream_ordering)
             ORDER BY b.stream_ordering DESC LIMIT @limit)
        ), page AS (
            SELECT * FROM mine ORDER BY stream_ordering DESC LIMIT @limit
        )
        SELECT a.room_id AS RoomId, a.event_id AS EventId, a.stream_ordering AS StreamOrdering,
               a.actions AS ActionsJson, a.ts AS Ts,
               a.stream_ordering <= coalesce((
                   SELECT max(e.stream_ordering) FROM receipts rc JOIN events e ON e.event_id = rc.event_id
                   WHERE rc.room_id = a.room_id AND rc.user_id = @user AND rc.thread_id IN ('', a.thread_id)
                     AND rc.receipt_type IN ('m.read', 'm.read.private')), 0) AS Read
        FROM page a
        ORDER BY a.stream_ordering DESC
        """;

    private const string PushRulesSql = """
        SELECT user_id, content FROM account_data
        WHERE user_id = ANY(@users) AND room_id = '' AND type = 'm.push_rules'
        """;

    public async Task<IReadOnlyList<UnreadCount>> GetUnreadCountsAsync(string userId,
        IReadOnlyCollection<string> roomIds, CancellationToken cancellationToken)
    {
        if (roomIds.Count == 0)
        {
            return [];
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<UnreadCount>(new CommandDefinition(UnreadSql,
            new { user = userId, rooms = roomIds.ToArray() }, cancellationToken: cancellationToken))).ToList();
    }

    public async Task<int> CountRoomsWithUnreadAsync(string userId, CancellationToken cancellationToken)
    {
        List<string> rooms;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            rooms = (await connection.QueryAsync<string>(new CommandDefinition(JoinedRoomsSql, new { user = userId },
                cancellationToken: cancellationToken))).ToList();
        }

        var counts = await GetUnreadCountsAsync(userId, rooms, cancellationToken);
        return counts.Where(c => c.Notifications > 0).Select(c => c.RoomId).Distinct(StringComparer.Ordinal).Count();
    }

    public async Task<IReadOnlyList<StoredNotification>> GetNotificationsAsync(string userId, long before, int limit,
        bool onlyHighlight, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<StoredNotification>(new CommandDefinition(NotificationsSql,
            new { user = userId, before, limit, onlyHighlight }, cancellationToken: cancellationToken))).ToList();
    }

    public async Task<IReadOnlyDictionary<string, string>> GetStoredPushRulesAsync(IReadOnlyCollection<string> userIds,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<(string UserId, string Content)>(new CommandDefinition(PushRulesSql,
                new { users = userIds.ToArray() }, cancellationToken: cancellationToken)))
            .ToDictionary(r => r.UserId, r => r.Content, StringComparer.Ordinal);
    }
}
