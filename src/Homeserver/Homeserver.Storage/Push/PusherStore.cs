using Dapper;
using Homeserver.Services.Push;
using Homeserver.Storage.Postgres;
using Npgsql;

namespace Homeserver.Storage.Push;

/// <summary>
/// The <c>pushers</c> table (migration 0021): id, user_id, device_id (device deletion cascades), kind, app_id, pushkey,
/// display names, profile_tag, lang, data, pushkey_ts, last_stream_ordering, failing_since, retry_at, backoff_ms;
/// unique (user_id, app_id, pushkey). Reads the <c>event_push_actions</c> rows (migration 0015) a pusher delivers,
/// those still pending (migration 0043) and the bulk rows standing for the user (migration 0044).
/// </summary>
public sealed class PusherStore(NpgsqlDataSource dataSource) : IPusherStore, IPusherDeliveryStore
{
    private const string Columns = """
        id AS Id, user_id AS UserId, device_id AS DeviceId, kind AS Kind, app_id AS AppId, pushkey AS PushKey,
        app_display_name AS AppDisplayName, device_display_name AS DeviceDisplayName, profile_tag AS ProfileTag,
        lang AS Lang, data AS DataJson, pushkey_ts AS PushKeyTs, last_stream_ordering AS LastStreamOrdering,
        failing_since AS FailingSince, retry_at AS RetryAt, backoff_ms AS BackoffMs
        """;

    private const string SelectOfUserSql = "SELECT " + Columns + " FROM pushers WHERE user_id = @userId ORDER BY id";

    private const string SelectSql = "SELECT " + Columns + " FROM pushers WHERE id = @pusherId";

    private const string DeleteOtherUsersSql = """
        DELETE FROM pushers WHERE app_id = @AppId AND pushkey = @PushKey AND user_id <> @UserId
        """;

    // A new pusher starts at the newest event: what was sent before it is not pushed.
    private const string UpsertSql = """
        INSERT INTO pushers (user_id, device_id, kind, app_id, pushkey, app_display_name, device_display_name,
                             profile_tag, lang, data, pushkey_ts, last_stream_ordering)
        VALUES (@UserId, @DeviceId, @Kind, @AppId, @PushKey, @AppDisplayName, @DeviceDisplayName, @ProfileTag, @Lang,
                @DataJson, @PushKeyTs, (SELECT COALESCE(max(stream_ordering), 0) FROM events))
        ON CONFLICT (user_id, app_id, pushkey) DO UPDATE SET
            device_id = excluded.device_id, kind = excluded.kind, app_display_name = excluded.app_display_name,
            device_display_name = excluded.device_display_name, profile_tag = excluded.profile_tag,
            lang = excluded.lang, data = excluded.data, pushkey_ts = excluded.pushkey_ts
        """;

    private const string DeleteSql = "DELETE FROM pushers WHERE user_id = @userId AND app_id = @appId AND pushkey = @pushKey";

    private const string DeleteByIdSql = "DELETE FROM pushers WHERE id = @pusherId";

    private const string RunnableSql = """
        SELECT p.id FROM pushers p
        WHERE p.kind = 'http'
          AND (p.retry_at IS NULL OR p.retry_at <= @nowMs)
          AND (@all OR p.user_id = ANY(@userIds) OR p.retry_at IS NOT NULL)
          AND (EXISTS (SELECT 1 FROM event_push_actions a
                       WHERE a.user_id = p.user_id AND a.stream_ordering > p.last_stream_ordering AND a.notif)
               OR EXISTS (SELECT 1 FROM event_push_actions_pending q
                          WHERE q.stream_ordering > p.last_stream_ordering
                            AND q.notifs[array_position(q.user_ids, p.user_id)])
               OR EXISTS (SELECT 1 FROM room_memberships m
                          JOIN event_push_bulk b
                            ON b.room_id = m.room_id
                           AND b.stream_ordering > greatest(m.joined_since, p.last_stream_ordering)
                          WHERE m.user_id = p.user_id AND m.membership = 'join'
                            AND NOT EXISTS (SELECT 1 FROM event_push_bulk_exceptions x
                                            WHERE x.user_id = p.user_id AND x.room_id = b.room_id
                                              AND x.stream_ordering = b.stream_ordering)))
        ORDER BY p.id
        """;

    private const string NextRetrySql = "SELECT min(retry_at) FROM pushers WHERE kind = 'http' AND retry_at > @nowMs";

    // Actions still pending (migration 0043) are delivered too: they are moved with their positions unchanged, and a
    // pusher that passed one in event_push_actions must not find an earlier one appear later.
    private const string PendingSql = """
        SELECT user_id AS UserId, room_id AS RoomId, event_id AS EventId, stream_ordering AS StreamOrdering,
               thread_id AS ThreadId, notif AS Notify, highlight AS Highlight, actions AS ActionsJson, ts AS Timestamp
        FROM (
            SELECT user_id, room_id, event_id, stream_ordering, thread_id, notif, highlight, actions::text AS actions, ts
            FROM event_push_actions
            WHERE user_id = @userId AND stream_ordering > @afterStream AND notif
            UNION ALL
            SELECT @userId, p.room_id, p.event_id, p.stream_ordering, p.thread_ids[u.i], p.notifs[u.i],
                   p.highlights[u.i], p.actions[u.i], p.ts
            FROM event_push_actions_pending p
            CROSS JOIN LATERAL (SELECT array_position(p.user_ids, @userId) AS i) u
            WHERE u.i IS NOT NULL AND p.stream_ordering > @afterStream AND p.notifs[u.i]
            UNION ALL
            (SELECT @userId, b.room_id, b.event_id, b.stream_ordering, b.thread_id, true, false, b.actions, b.ts
             FROM room_memberships m
             JOIN event_push_bulk b
               ON b.room_id = m.room_id AND b.stream_ordering > greatest(m.joined_since, @afterStream)
             WHERE m.user_id = @userId AND m.membership = 'join'
               AND NOT EXISTS (SELECT 1 FROM event_push_bulk_exceptions x
                               WHERE x.user_id = @userId AND x.room_id = b.room_id
                                 AND x.stream_ordering = b.stream_ordering)
             ORDER BY b.stream_ordering LIMIT @limit)
        ) mine
        ORDER BY stream_ordering
        LIMIT @limit
        """;

    private const string HandledSql = """
        UPDATE pushers SET last_stream_ordering = GREATEST(last_stream_ordering, @streamOrdering),
                           failing_since = NULL, retry_at = NULL, backoff_ms = 0
        WHERE id = @pusherId
        """;

    private const string FailedSql = """
        UPDATE pushers SET failing_since = @failingSince, retry_at = @retryAt, backoff_ms = @backoffMs WHERE id = @pusherId
        """;

    public async Task<IReadOnlyList<Pusher>> GetForUserAsync(string userId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<Pusher>(new CommandDefinition(SelectOfUserSql, new { userId },
            cancellationToken: cancellationToken))).ToList();
    }

    public async Task SetAsync(PusherSettings pusher, bool append, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!append)
        {
            await connection.ExecuteAsync(new CommandDefinition(DeleteOtherUsersSql, pusher, transaction,
                cancellationToken: cancellationToken));
        }

        await connection.ExecuteAsync(new CommandDefinition(UpsertSql, pusher, transaction,
            cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task DeleteAsync(string userId, string appId, string pushKey, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(DeleteSql, new { userId, appId, pushKey },
            cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<long>> GetRunnableAsync(IReadOnlyCollection<string>? userIds, long nowMs,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<long>(new CommandDefinition(RunnableSql,
            new { all = userIds is null, userIds = (userIds ?? []).ToArray(), nowMs },
            cancellationToken: cancellationToken))).ToList();
    }

    public async Task<long?> GetNextRetryAsync(long nowMs, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(NextRetrySql, new { nowMs },
            cancellationToken: cancellationToken));
    }

    public async Task<IAsyncDisposable?> TryHoldAsync(long pusherId, CancellationToken cancellationToken) =>
        await AdvisoryHold.TryAcquireAsync(dataSource,
            "pusher:" + pusherId.ToString(System.Globalization.CultureInfo.InvariantCulture), wait: false, cancellationToken);

    public async Task<Pusher?> GetAsync(long pusherId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Pusher>(new CommandDefinition(SelectSql, new { pusherId },
            cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<PushNotification>> GetPendingAsync(string userId, long afterStream, int limit,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<PushNotification>(new CommandDefinition(PendingSql,
            new { userId, afterStream, limit }, cancellationToken: cancellationToken))).ToList();
    }

    public async Task MarkHandledAsync(long pusherId, long streamOrdering, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(HandledSql, new { pusherId, streamOrdering },
            cancellationToken: cancellationToken));
    }

    public async Task MarkFailedAsync(long pusherId, long failingSince, long retryAt, long backoffMs,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(FailedSql,
            new { pusherId, failingSince, retryAt, backoffMs }, cancellationToken: cancellationToken));
    }

    public async Task DeleteAsync(long pusherId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(DeleteByIdSql, new { pusherId },
            cancellationToken: cancellationToken));
    }
}
