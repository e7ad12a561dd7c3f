using Dapper;
using Homeserver.Core.Identifiers;
using Homeserver.Services.OAuth;
using Npgsql;

namespace Homeserver.Storage.OAuth;

/// <summary>
/// The <c>oauth_sessions</c> table (migration 0045): user_id, device_id (PRIMARY KEY, a device, deleted with it),
/// client_id, scope, created_ts. Also reads <c>access_tokens</c> and <c>refresh_tokens</c> to find a token's device.
/// </summary>
public sealed class OAuthSessionStore(NpgsqlDataSource dataSource) : IOAuthSessionStore
{
    private const string UpsertSql = """
        INSERT INTO oauth_sessions (user_id, device_id, client_id, scope, created_ts)
        VALUES (@userId, @deviceId, @clientId, @scope, @now)
        ON CONFLICT (user_id, device_id) DO UPDATE SET client_id = EXCLUDED.client_id, scope = EXCLUDED.scope,
            created_ts = EXCLUDED.created_ts
        """;

    private const string ByRefreshTokenSql = """
        SELECT o.user_id AS UserIdText, o.device_id AS DeviceId, o.client_id AS ClientId, o.scope AS Scope
        FROM refresh_tokens r JOIN oauth_sessions o ON o.user_id = r.user_id AND o.device_id = r.device_id
        WHERE r.token_hash = @hash
        """;

    private const string DeviceByTokenSql = """
        SELECT user_id AS UserIdText, device_id AS DeviceId FROM access_tokens WHERE token_hash = @hash
        UNION ALL
        SELECT user_id, device_id FROM refresh_tokens WHERE token_hash = @hash
        LIMIT 1
        """;

    public async Task AddAsync(OAuthSession session, long nowTs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(UpsertSql, new
        {
            userId = session.UserId.Value, session.DeviceId, session.ClientId, session.Scope, now = nowTs,
        }, cancellationToken: cancellationToken));
    }

    public async Task<bool> IsOAuthDeviceAsync(UserId userId, string deviceId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM oauth_sessions WHERE user_id = @userId AND device_id = @deviceId)",
            new { userId = userId.Value, deviceId }, cancellationToken: cancellationToken));
    }

    public async Task<OAuthSession?> FindByRefreshTokenAsync(byte[] refreshTokenHash, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<SessionRow>(new CommandDefinition(ByRefreshTokenSql,
            new { hash = refreshTokenHash }, cancellationToken: cancellationToken));
        return row is null ? null : new OAuthSession(UserId.Parse(row.UserIdText), row.DeviceId, row.ClientId, row.Scope);
    }

    public async Task<(UserId UserId, string DeviceId)?> FindDeviceByTokenAsync(byte[] tokenHash,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<DeviceRow>(new CommandDefinition(DeviceByTokenSql,
            new { hash = tokenHash }, cancellationToken: cancellationToken));
        return row is null ? null : (UserId.Parse(row.UserIdText), row.DeviceId);
    }

    private sealed record SessionRow(string UserIdText, string DeviceId, string ClientId, string Scope);

    private sealed record DeviceRow(string UserIdText, string DeviceId);
}
