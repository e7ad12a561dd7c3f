using System.Globalization;
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
        SELECT stream_token AS StreamToken, state AS State FROM sliding_sync_positions
        WHERE pos = @pos AND user_id = @userId AND device_id = @deviceId AND conn_id = @connId
        """;

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

    public async Task<SlidingPosition?> GetAsync(string userId, string deviceId, string connId, string pos,
        CancellationToken cancellationToken)
    {
        if (ParsePos(pos) is not { } number)
        {
            return null;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<SlidingPosition>(new CommandDefinition(SelectSql,
            new { pos = number, userId, deviceId, connId }, cancellationToken: cancellationToken));
    }

    /// <remarks>A <paramref name="basedOn"/> of another store (shared, before an outage) counts as none: the rows kept
    /// here for the connection are older than it.</remarks>
    public async Task<string> SaveAsync(string userId, string deviceId, string connId, string? basedOn,
        string streamToken, string state, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = time.GetUtcNow();
        await connection.ExecuteAsync(new CommandDefinition(DeleteBeforeSql,
            new { userId, deviceId, connId, basedOn = basedOn is null ? null : ParsePos(basedOn), expired = (now - SlidingSyncConnections.Expiry).ToUnixTimeMilliseconds() },
            transaction, cancellationToken: cancellationToken));
        var pos = await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertSql,
            new { userId, deviceId, connId, streamToken, state, now = now.ToUnixTimeMilliseconds() },
            transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return pos.ToString(CultureInfo.InvariantCulture);
    }

    private static long? ParsePos(string pos) =>
        long.TryParse(pos, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;
}
