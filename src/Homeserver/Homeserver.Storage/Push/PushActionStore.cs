using Dapper;
using Homeserver.Services.Push;
using Npgsql;

namespace Homeserver.Storage.Push;

/// <summary>
/// Reads <c>event_push_actions</c> (migration 0015; written with the events, <see cref="PushActionRows"/>) against the
/// user's m.read / m.read.private receipts (migration 0008): a notification is read when its stream position is at or
/// before the receipt's event, the later of the unthreaded receipt and its thread's own.
/// </summary>
public sealed class PushActionStore(NpgsqlDataSource dataSource) : IPushActionStore
{
    // Each room's unthreaded receipt bounds a range of event_push_actions_user_room_stream (migration 0015); threaded
    // receipts then drop what their thread's receipt covers.
    private const string UnreadSql = """
        WITH receipt AS (
            SELECT rc.room_id, rc.thread_id, max(e.stream_ordering) AS pos
            FROM receipts rc JOIN events e ON e.event_id = rc.event_id
            WHERE rc.room_id = ANY(@rooms) AND rc.user_id = @user AND rc.receipt_type IN ('m.read', 'm.read.private')
            GROUP BY rc.room_id, rc.thread_id
        )
        SELECT a.room_id AS RoomId, a.thread_id AS ThreadId,
               count(*) FILTER (WHERE a.notif) AS Notifications, count(*) FILTER (WHERE a.highlight) AS Highlights,
               max(a.stream_ordering) AS Newest
        FROM unnest(@rooms) AS r(room_id)
        LEFT JOIN receipt unthreaded ON unthreaded.room_id = r.room_id AND unthreaded.thread_id = ''
        JOIN event_push_actions a
          ON a.user_id = @user AND a.room_id = r.room_id AND a.stream_ordering > coalesce(unthreaded.pos, 0)
        LEFT JOIN receipt threaded ON threaded.room_id = a.room_id AND threaded.thread_id = a.thread_id
        WHERE a.stream_ordering > coalesce(threaded.pos, 0)
        GROUP BY a.room_id, a.thread_id
        """;

    private const string JoinedRoomsSql = """
        SELECT room_id FROM room_memberships WHERE user_id = @user AND membership = 'join'
        """;

    private const string NotificationsSql = """
        SELECT a.room_id AS RoomId, a.event_id AS EventId, a.stream_ordering AS StreamOrdering,
               a.actions::text AS ActionsJson, a.ts AS Ts,
               a.stream_ordering <= coalesce((
                   SELECT max(e.stream_ordering) FROM receipts rc JOIN events e ON e.event_id = rc.event_id
                   WHERE rc.room_id = a.room_id AND rc.user_id = a.user_id AND rc.thread_id IN ('', a.thread_id)
                     AND rc.receipt_type IN ('m.read', 'm.read.private')), 0) AS Read
        FROM event_push_actions a
        WHERE a.user_id = @user AND a.stream_ordering < @before AND a.notif AND (a.highlight OR NOT @onlyHighlight)
        ORDER BY a.stream_ordering DESC
        LIMIT @limit
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
