using Dapper;
using Homeserver.Services.Sync.Sliding;
using Npgsql;

namespace Homeserver.Storage.Sync;

/// <summary>
/// The <c>sliding_sync_positions</c> table (migration 0047): pos bigserial PRIMARY KEY, user_id, device_id, conn_id,
/// stream_token text, state text (JSON), created_ts bigint; one row per <c>pos</c> handed out.
/// </summary>
public sealed class SlidingSyncConnectionStore(NpgsqlDataSource dataSource, TimeProvider time)
    : ISlidingSyncConnectionStore
{
    private const string SelectSql = """
        SELECT pos AS Pos, stream_token AS StreamToken, state AS State FROM sliding_sync_positions
        WHERE pos = @pos AND user_id = @userId AND device_id = @deviceId AND conn_id = @connId
        """;

    /// <summary>Positions of a user's connections unused this long are dropped (the client starts over on
    /// M_UNKNOWN_POS), so connections clients abandon do not pile up.</summary>
    public static readonly TimeSpan Expiry = TimeSpan.FromDays(7);

    private const string DeleteBeforeSql = """
        DELETE FROM sliding_sync_positions
        WHERE user_id = @userId AND ((device_id = @deviceId AND conn_id = @connId AND (@basedOn::bigint IS NULL OR pos < @basedOn))
                                     OR created_ts < @expired)
        """;

    private const string InsertSql = """
        INSERT INTO sliding_sync_positions (user_id, device_id, conn_id, stream_token, state, created_ts)
        VALUES (@userId, @deviceId, @connId, @streamToken, @state, @now)
        RETURNING pos
        """;

    public async Task<SlidingPosition?> GetAsync(string userId, string deviceId, string connId, long pos,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<SlidingPosition>(new CommandDefinition(SelectSql,
            new { pos, userId, deviceId, connId }, cancellationToken: cancellationToken));
    }

    public async Task<long> SaveAsync(string userId, string deviceId, string connId, long? basedOn, string streamToken,
        string state, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = time.GetUtcNow();
        await connection.ExecuteAsync(new CommandDefinition(DeleteBeforeSql,
            new { userId, deviceId, connId, basedOn, expired = (now - Expiry).ToUnixTimeMilliseconds() },
            transaction, cancellationToken: cancellationToken));
        var pos = await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertSql,
            new { userId, deviceId, connId, streamToken, state, now = now.ToUnixTimeMilliseconds() },
            transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return pos;
    }
}
