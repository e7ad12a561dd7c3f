using Dapper;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Npgsql;

namespace Homeserver.Storage.Accounts;

/// <summary>Statements shared by registration and login: creating a device with its tokens, and revocation notices;
/// and setting a flag on <c>users</c> that cached access tokens carry.</summary>
internal static class SessionSql
{
    private const string InsertDeviceSql = """
        INSERT INTO devices (user_id, device_id, display_name, created_ts)
        VALUES (@userId, @deviceId, @displayName, @now)
        ON CONFLICT (user_id, device_id) DO NOTHING
        """;

    private const string DeleteDeviceTokensSql = """
        WITH a AS (DELETE FROM access_tokens WHERE user_id = @userId AND device_id = @deviceId RETURNING 1),
             r AS (DELETE FROM refresh_tokens WHERE user_id = @userId AND device_id = @deviceId RETURNING 1)
        SELECT (SELECT count(*) FROM a) + (SELECT count(*) FROM r)
        """;

    private const string InsertRefreshTokenSql = """
        INSERT INTO refresh_tokens (token_hash, user_id, device_id, created_ts)
        VALUES (@hash, @userId, @deviceId, @now) RETURNING id
        """;

    private const string InsertAccessTokenSql = """
        INSERT INTO access_tokens (token_hash, user_id, device_id, refresh_token_id, created_ts, expires_ts)
        VALUES (@hash, @userId, @deviceId, @refreshId, @now, @expires)
        """;

    /// <summary>Creates the device if new, revokes the tokens it had (the spec asks this when a client
    /// reuses a device ID), and stores the new tokens.</summary>
    public static async Task StartAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, UserId userId,
        NewSession session, long now, List<TokenRevocation> revoked, CancellationToken cancellationToken)
    {
        var ids = new { userId = userId.Value, deviceId = session.DeviceId };
        await connection.ExecuteAsync(new CommandDefinition(InsertDeviceSql,
            new { ids.userId, ids.deviceId, displayName = session.DeviceDisplayName, now }, transaction,
            cancellationToken: cancellationToken));
        var deleted = await connection.ExecuteScalarAsync<long>(new CommandDefinition(DeleteDeviceTokensSql, ids,
            transaction, cancellationToken: cancellationToken));
        if (deleted > 0)
        {
            await NotifyRevokedAsync(connection, transaction, new TokenRevocation(userId, session.DeviceId), revoked,
                cancellationToken);
        }

        await InsertTokensAsync(connection, transaction, userId, session.DeviceId, session.Tokens, now,
            cancellationToken);
    }

    /// <returns>The refresh token's row id, if there is one.</returns>
    public static async Task<long?> InsertTokensAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        UserId userId, string deviceId, TokenHashes tokens, long now, CancellationToken cancellationToken)
    {
        long? refreshId = null;
        if (tokens.RefreshTokenHash is not null)
        {
            refreshId = await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertRefreshTokenSql,
                new { hash = tokens.RefreshTokenHash, userId = userId.Value, deviceId, now }, transaction,
                cancellationToken: cancellationToken));
        }

        await connection.ExecuteAsync(new CommandDefinition(InsertAccessTokenSql,
            new
            {
                hash = tokens.AccessTokenHash, userId = userId.Value, deviceId, refreshId, now,
                expires = tokens.AccessTokenExpiresTs,
            }, transaction, cancellationToken: cancellationToken));
        return refreshId;
    }

    /// <summary>Tells every process (on commit) to drop the revoked tokens from its cache, and records the
    /// revocation in <paramref name="revoked"/> so this process applies it to its own cache right after the
    /// commit, without waiting for its own notification to come back.</summary>
    public static async Task NotifyRevokedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        TokenRevocation revocation, List<TokenRevocation> revoked, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_notify(@channel, @payload)",
            new { channel = TokenRevocation.Channel, payload = revocation.Encode() }, transaction,
            cancellationToken: cancellationToken));
        revoked.Add(revocation);
    }

    /// <summary>Commits, then applies the revocations to this process's cache.</summary>
    public static async Task CommitAsync(NpgsqlTransaction transaction, List<TokenRevocation> revoked,
        AccessTokenCache cache, CancellationToken cancellationToken)
    {
        await transaction.CommitAsync(cancellationToken);
        foreach (var revocation in revoked)
        {
            cache.Revoke(revocation);
        }
    }

    /// <summary>Runs <paramref name="sql"/> (an UPDATE of one of the user's flags, taking <c>@userId</c> and
    /// <c>@value</c>) and revokes the user's cached tokens in the same transaction: cached access tokens carry the
    /// flags, and the revocation notice makes every process read the user's tokens again.</summary>
    public static async Task SetUserFlagAsync(NpgsqlDataSource dataSource, AccessTokenCache cache, string sql,
        UserId userId, bool value, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { userId = userId.Value, value }, transaction,
            cancellationToken: cancellationToken));
        var revoked = new List<TokenRevocation>();
        await NotifyRevokedAsync(connection, transaction, new TokenRevocation(userId, null), revoked,
            cancellationToken);
        await CommitAsync(transaction, revoked, cache, cancellationToken);
    }
}
