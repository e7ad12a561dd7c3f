using Dapper;
using Homeserver.Core.Identifiers;
using Homeserver.Services.OAuth;
using Npgsql;

namespace Homeserver.Storage.OAuth;

/// <summary>
/// The <c>oauth_device_grants</c> table (migration 0046): device_code_hash bytea PRIMARY KEY, user_code text UNIQUE,
/// client_id, scope, device_id, created_ts, expires_ts, last_poll_ts, status (pending, approved, denied, exchanged),
/// user_id (set on approval).
/// </summary>
public sealed class DeviceGrantStore(NpgsqlDataSource dataSource) : IDeviceGrantStore
{
    private const string Columns = """
        client_id AS ClientId, scope AS Scope, device_id AS DeviceId, user_code AS UserCode, expires_ts AS ExpiresTs,
        status AS Status, user_id AS UserIdText
        """;

    private const string InsertSql = """
        DELETE FROM oauth_device_grants WHERE expires_ts <= @now;
        INSERT INTO oauth_device_grants (device_code_hash, user_code, client_id, scope, device_id, created_ts, expires_ts)
        VALUES (@hash, @userCode, @clientId, @scope, @deviceId, @now, @expires);
        """;

    private const string ByUserCodeSql = "SELECT " + Columns + """
         FROM oauth_device_grants WHERE user_code = @userCode AND expires_ts > @now AND status = 'pending'
        """;

    private const string DecideSql = """
        UPDATE oauth_device_grants SET status = @status, user_id = @userId
        WHERE user_code = @userCode AND expires_ts > @now AND status = 'pending'
        """;

    // One statement: the poll time is recorded and the previous one returned; an approved grant becomes exchanged,
    // so two polls cannot both take its tokens.
    private const string PollSql = """
        WITH old AS (SELECT device_code_hash, status, last_poll_ts FROM oauth_device_grants
                     WHERE device_code_hash = @hash FOR UPDATE)
        UPDATE oauth_device_grants g
        SET last_poll_ts = @now, status = CASE WHEN old.status = 'approved' THEN 'exchanged' ELSE old.status END
        FROM old WHERE g.device_code_hash = old.device_code_hash
        """ + " RETURNING g.client_id AS ClientId, g.scope AS Scope, g.device_id AS DeviceId, g.user_code AS UserCode, " +
        "g.expires_ts AS ExpiresTs, old.status AS Status, g.user_id AS UserIdText, old.last_poll_ts AS LastPollTs";

    public async Task AddAsync(byte[] deviceCodeHash, DeviceGrant grant, long nowTs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grant);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, new
        {
            hash = deviceCodeHash, grant.UserCode, grant.ClientId, grant.Scope, grant.DeviceId, now = nowTs,
            expires = grant.ExpiresTs,
        }, cancellationToken: cancellationToken));
    }

    public async Task<DeviceGrant?> GetPendingAsync(string userCode, long nowTs, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<GrantRow>(new CommandDefinition(ByUserCodeSql,
            new { userCode, now = nowTs }, cancellationToken: cancellationToken));
        return row?.ToGrant();
    }

    public async Task<bool> DecideAsync(string userCode, UserId userId, bool approve, long nowTs,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(DecideSql, new
        {
            userCode, userId = userId.Value, status = approve ? "approved" : "denied", now = nowTs,
        }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task<PolledGrant?> PollAsync(byte[] deviceCodeHash, long nowTs, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<PollRow>(new CommandDefinition(PollSql,
            new { hash = deviceCodeHash, now = nowTs }, cancellationToken: cancellationToken));
        return row is null ? null : new PolledGrant(row.ToGrant(), row.LastPollTs);
    }

    private record GrantRow(string ClientId, string Scope, string DeviceId, string UserCode, long ExpiresTs,
        string Status, string? UserIdText)
    {
        public DeviceGrant ToGrant() => new(ClientId, Scope, DeviceId, UserCode, ExpiresTs, Status,
            UserIdText is null ? null : UserId.Parse(UserIdText));
    }

    private sealed record PollRow(string ClientId, string Scope, string DeviceId, string UserCode, long ExpiresTs,
        string Status, string? UserIdText, long? LastPollTs)
        : GrantRow(ClientId, Scope, DeviceId, UserCode, ExpiresTs, Status, UserIdText);
}
