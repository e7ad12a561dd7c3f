using Dapper;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Npgsql;

namespace Homeserver.Storage.Accounts;

/// <summary>The <c>devices</c>, <c>access_tokens</c>, <c>refresh_tokens</c> and <c>login_tokens</c> tables (migration 0002).</summary>
public sealed class SessionStore(NpgsqlDataSource dataSource, AccessTokenCache cache) : ISessionStore
{
    private const string FindAccessTokenSql = """
        SELECT a.id AS Id, a.user_id AS UserIdText, a.device_id AS DeviceId, u.is_guest AS IsGuest,
               u.is_admin AS IsAdmin, a.expires_ts AS ExpiresTs, a.used AS Used, a.refresh_token_id AS RefreshTokenId,
               u.locked AS Locked, u.suspended AS Suspended, u.shadow_banned AS ShadowBanned
        FROM access_tokens a JOIN users u ON u.user_id = a.user_id
        WHERE a.token_hash = @hash
        """;

    // The first use of a refreshed pair retires the refresh token it replaced (see the spec's
    // "Refreshing access tokens": the old one stays valid until the new one is used).
    private const string MarkUsedSql = """
        UPDATE access_tokens SET used = true WHERE id = @id;
        DELETE FROM refresh_tokens WHERE next_id = @refreshId;
        """;

    private const string LockRefreshTokenSql = """
        SELECT id AS Id, user_id AS UserIdText, device_id AS DeviceId, next_id AS NextId
        FROM refresh_tokens WHERE token_hash = @hash FOR UPDATE
        """;

    private const string RefreshSql = """
        DELETE FROM refresh_tokens WHERE id = @previousReplacement;
        DELETE FROM refresh_tokens WHERE next_id = @id;
        DELETE FROM access_tokens WHERE refresh_token_id = @id;
        """;

    private const string DeleteDevicesSql = """
        DELETE FROM devices
        WHERE user_id = @userId AND (@all OR device_id = ANY(@deviceIds)) AND device_id IS DISTINCT FROM @keep
        RETURNING device_id
        """;

    private const string SelectDevicesSql = """
        SELECT device_id AS DeviceId, display_name AS DisplayName, last_seen_ts AS LastSeenTs, last_seen_ip AS LastSeenIp
        FROM devices WHERE user_id = @userId
        """;

    private const string RecordLastSeenSql = """
        UPDATE devices d SET last_seen_ts = v.ts, last_seen_ip = v.ip
        FROM unnest(@users, @devices, @ips, @times) AS v(user_id, device_id, ip, ts)
        WHERE d.user_id = v.user_id AND d.device_id = v.device_id AND (d.last_seen_ts IS NULL OR d.last_seen_ts < v.ts)
        """;

    public async Task StartSessionAsync(UserId userId, NewSession session, long nowTs, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var revoked = new List<TokenRevocation>();
        await SessionSql.StartAsync(connection, transaction, userId, session, nowTs, revoked, cancellationToken);
        await SessionSql.CommitAsync(transaction, revoked, cache, cancellationToken);
    }

    public async Task<AccessTokenRecord?> FindAccessTokenAsync(byte[] tokenHash, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<TokenRow>(new CommandDefinition(FindAccessTokenSql,
            new { hash = tokenHash }, cancellationToken: cancellationToken));
        return row is null
            ? null
            : new AccessTokenRecord(row.Id, UserId.Parse(row.UserIdText), row.DeviceId, row.IsGuest, row.IsAdmin,
                row.ExpiresTs, row.Used, row.RefreshTokenId) { Locked = row.Locked, Suspended = row.Suspended, ShadowBanned = row.ShadowBanned };
    }

    public async Task MarkAccessTokenUsedAsync(AccessTokenRecord token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(MarkUsedSql,
            new { id = token.Id, refreshId = token.RefreshTokenId }, cancellationToken: cancellationToken));
    }

    public async Task<UserId?> RefreshAsync(byte[] refreshTokenHash, TokenHashes replacement, long nowTs,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(replacement);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var current = await connection.QuerySingleOrDefaultAsync<RefreshRow>(new CommandDefinition(
            LockRefreshTokenSql, new { hash = refreshTokenHash }, transaction, cancellationToken: cancellationToken));
        if (current is null)
        {
            return null;
        }

        // Refreshing again before using the last replacement (it never arrived, say) replaces that replacement.
        await connection.ExecuteAsync(new CommandDefinition(RefreshSql,
            new { id = current.Id, previousReplacement = current.NextId }, transaction,
            cancellationToken: cancellationToken));
        var userId = UserId.Parse(current.UserIdText);
        var newId = await SessionSql.InsertTokensAsync(connection, transaction, userId, current.DeviceId, replacement,
            nowTs, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("UPDATE refresh_tokens SET next_id = @newId WHERE id = @id",
            new { newId, id = current.Id }, transaction, cancellationToken: cancellationToken));
        var revoked = new List<TokenRevocation>();
        await SessionSql.NotifyRevokedAsync(connection, transaction, new TokenRevocation(userId, current.DeviceId),
            revoked, cancellationToken);
        await SessionSql.CommitAsync(transaction, revoked, cache, cancellationToken);
        return userId;
    }

    public async Task DeleteDevicesAsync(UserId userId, IReadOnlyCollection<string>? deviceIds, string? keepDeviceId,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var deleted = (await connection.QueryAsync<string>(new CommandDefinition(DeleteDevicesSql,
            new { userId = userId.Value, all = deviceIds is null, deviceIds = deviceIds?.ToArray() ?? [], keep = keepDeviceId },
            transaction, cancellationToken: cancellationToken))).ToList();
        var revocations = deviceIds is null && keepDeviceId is null
            ? [new TokenRevocation(userId, null)]
            : deleted.Select(d => new TokenRevocation(userId, d));
        var revoked = new List<TokenRevocation>();
        foreach (var revocation in revocations)
        {
            await SessionSql.NotifyRevokedAsync(connection, transaction, revocation, revoked, cancellationToken);
        }

        await SessionSql.CommitAsync(transaction, revoked, cache, cancellationToken);
    }

    public async Task<IReadOnlyList<Device>> GetDevicesAsync(UserId userId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<Device>(new CommandDefinition(SelectDevicesSql + " ORDER BY device_id",
            new { userId = userId.Value }, cancellationToken: cancellationToken))).ToList();
    }

    public async Task<Device?> GetDeviceAsync(UserId userId, string deviceId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Device>(new CommandDefinition(
            SelectDevicesSql + " AND device_id = @deviceId", new { userId = userId.Value, deviceId },
            cancellationToken: cancellationToken));
    }

    public async Task<bool> UpsertDeviceAsync(UserId userId, string deviceId, string? displayName, long nowTs,
        CancellationToken cancellationToken)
    {
        // xmax is 0 on a row this statement inserted, and set on one it updated.
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition("""
            INSERT INTO devices (user_id, device_id, display_name, created_ts)
            VALUES (@userId, @deviceId, @displayName, @nowTs)
            ON CONFLICT (user_id, device_id) DO UPDATE SET display_name = COALESCE(EXCLUDED.display_name, devices.display_name)
            RETURNING xmax = 0
            """, new { userId = userId.Value, deviceId, displayName, nowTs }, cancellationToken: cancellationToken));
    }

    public async Task<bool> SetDeviceDisplayNameAsync(UserId userId, string deviceId, string? displayName,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE devices SET display_name = @displayName WHERE user_id = @userId AND device_id = @deviceId",
            new { userId = userId.Value, deviceId, displayName }, cancellationToken: cancellationToken)) > 0;
    }

    public async Task RecordLastSeenAsync(IReadOnlyCollection<DeviceActivity> activity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(activity);
        if (activity.Count == 0)
        {
            return;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(RecordLastSeenSql, new
        {
            users = activity.Select(a => a.UserId.Value).ToArray(),
            devices = activity.Select(a => a.DeviceId).ToArray(),
            ips = activity.Select(a => a.Ip).ToArray(),
            times = activity.Select(a => a.Ts).ToArray(),
        }, cancellationToken: cancellationToken));
    }

    public async Task AddLoginTokenAsync(byte[] tokenHash, UserId userId, long expiresTs,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO login_tokens (token_hash, user_id, expires_ts) VALUES (@hash, @userId, @expiresTs)",
            new { hash = tokenHash, userId = userId.Value, expiresTs }, cancellationToken: cancellationToken));
    }

    public async Task<UserId?> ConsumeLoginTokenAsync(byte[] tokenHash, long nowTs, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var userId = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "DELETE FROM login_tokens WHERE token_hash = @hash RETURNING CASE WHEN expires_ts > @now THEN user_id END",
            new { hash = tokenHash, now = nowTs }, cancellationToken: cancellationToken));
        return userId is null ? null : UserId.Parse(userId);
    }

    private sealed record TokenRow(long Id, string UserIdText, string DeviceId, bool IsGuest, bool IsAdmin,
        long? ExpiresTs, bool Used, long? RefreshTokenId, bool Locked, bool Suspended, bool ShadowBanned);

    private sealed record RefreshRow(long Id, string UserIdText, string DeviceId, long? NextId);
}
