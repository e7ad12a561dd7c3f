using Dapper;
using Homeserver.Services.Live.Posting;
using Npgsql;

namespace Homeserver.Storage.Live;

/// <summary>
/// <c>live_slow_mode_posts</c> (migration 0033): <c>(room_id, user_id) -> posted_at</c> (ms), the user's last post
/// that slow mode let through. The claim is one <c>INSERT .. ON CONFLICT DO UPDATE .. WHERE</c>: Postgres locks the
/// conflicting row and evaluates the condition on its newest version, so of two processes claiming at once only
/// one updates it.
/// </summary>
public sealed class LiveSlowModeStore(NpgsqlDataSource dataSource) : ILiveSlowModeStore
{
    // The outer SELECT sees the row as it was before this statement (a CTE's writes are not visible to it): the
    // previous post, for retry_after_ms, in the same round trip.
    private const string ClaimSql = """
        WITH claimed AS (
            INSERT INTO live_slow_mode_posts AS p (room_id, user_id, posted_at) VALUES (@RoomId, @UserId, @NowMs)
            ON CONFLICT (room_id, user_id) DO UPDATE SET posted_at = EXCLUDED.posted_at
            WHERE p.posted_at <= @NowMs - @IntervalMs
            RETURNING posted_at)
        SELECT (SELECT count(*) FROM claimed) AS claimed,
               (SELECT posted_at FROM live_slow_mode_posts WHERE room_id = @RoomId AND user_id = @UserId) AS previous
        """;

    private const string ReleaseSql = """
        DELETE FROM live_slow_mode_posts WHERE room_id = @RoomId AND user_id = @UserId AND posted_at = @ClaimedAtMs
        """;

    public async Task<SlowModeRefusal?> TryClaimAsync(string roomId, string userId, long nowMs, long intervalMs,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var (claimed, previous) = await connection.QuerySingleAsync<(long Claimed, long? Previous)>(
            new CommandDefinition(ClaimSql, new { RoomId = roomId, UserId = userId, NowMs = nowMs, IntervalMs = intervalMs },
                cancellationToken: cancellationToken));
        return claimed > 0 ? null : new SlowModeRefusal(previous);
    }

    public async Task ReleaseAsync(string roomId, string userId, long claimedAtMs, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(ReleaseSql,
            new { RoomId = roomId, UserId = userId, ClaimedAtMs = claimedAtMs }, cancellationToken: cancellationToken));
    }
}
