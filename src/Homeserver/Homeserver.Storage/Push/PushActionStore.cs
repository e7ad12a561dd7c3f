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
    // committed but not yet moved) count too, found by the user's index in each pending row's arrays.
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
        )
        SELECT a.room_id AS RoomId, a.thread_id AS ThreadId,
               count(*) FILTER (WHERE a.notif) AS Notifications, count(*) FILTER (WHERE a.highlight) AS Highlights,
               max(a.stream_ordering) AS Newest
        FROM mine a
        LEFT JOIN receipt unthreaded ON unthreaded.room_id = a.room_id AND unthreaded.thread_id = ''
        LEFT JOIN receipt threaded ON threaded.room_id = a.room_id AND threaded.thread_id = a.thread_id
        WHERE a.stream_ordering > coalesce(unthreaded.pos, 0) AND a.stream_ordering > coalesce(threaded.pos, 0)
        GROUP BY a.room_id, a.thread_id
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
