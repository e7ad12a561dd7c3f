using Dapper;
using Homeserver.Services.Accounts;
using Homeserver.Services.Admin;
using Npgsql;

namespace Homeserver.Storage.Accounts;

/// <summary>
/// The <c>registration_tokens</c> table (migration 0002):
/// <c>token text PK, uses_allowed integer (NULL: unlimited), completed integer, expiry_ts bigint (NULL: never),
/// created_ts bigint</c>. A token's pending registrations are not a column: they are the UIA sessions (migration
/// 0002's <c>uia_sessions</c>) that passed the token stage with it and are not spent yet, counted on read.
/// </summary>
public sealed class RegistrationTokenStore(NpgsqlDataSource dataSource) : IRegistrationTokenStore,
    IRegistrationTokenAdminStore
{
    private const string SelectSql = """
        SELECT t.token AS Token, t.uses_allowed AS UsesAllowed, t.completed AS Completed, t.expiry_ts AS ExpiryTs,
               (SELECT count(*)::int FROM uia_sessions s WHERE s.registration_token = t.token) AS Pending
        FROM registration_tokens t
        """;

    private const string ValidCondition = """
        (t.uses_allowed IS NULL OR
         t.uses_allowed > t.completed + (SELECT count(*) FROM uia_sessions s WHERE s.registration_token = t.token))
        AND (t.expiry_ts IS NULL OR t.expiry_ts > @now)
        """;

    private const string InsertSql = """
        INSERT INTO registration_tokens (token, uses_allowed, completed, expiry_ts, created_ts)
        VALUES (@Token, @UsesAllowed, @Completed, @ExpiryTs, @now)
        """;

    private const string UpdateSql = """
        UPDATE registration_tokens
        SET uses_allowed = CASE WHEN @setUses THEN @uses ELSE uses_allowed END,
            expiry_ts = CASE WHEN @setExpiry THEN @expiry ELSE expiry_ts END
        WHERE token = @token
        """;

    public async Task CreateAsync(RegistrationToken token, long nowTs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(InsertSql,
            new { token.Token, token.UsesAllowed, token.Completed, token.ExpiryTs, now = nowTs },
            cancellationToken: cancellationToken));
    }

    public async Task<bool> TryCreateAsync(RegistrationToken token, long nowTs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(InsertSql + " ON CONFLICT (token) DO NOTHING",
            new { token.Token, token.UsesAllowed, token.Completed, token.ExpiryTs, now = nowTs },
            cancellationToken: cancellationToken)) == 1;
    }

    public async Task<RegistrationToken?> GetAsync(string token, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            SelectSql + " WHERE t.token = @token", new { token }, cancellationToken: cancellationToken));
        return row?.ToToken();
    }

    public async Task<IReadOnlyList<RegistrationToken>> ListAsync(bool? valid, long nowTs,
        CancellationToken cancellationToken)
    {
        var where = valid switch
        {
            null => "",
            true => " WHERE " + ValidCondition,
            false => " WHERE NOT (" + ValidCondition + ")",
        };
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(SelectSql + where + " ORDER BY t.created_ts, t.token",
            new { now = nowTs }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToToken()).ToList();
    }

    public async Task<RegistrationToken?> UpdateAsync(string token, RegistrationTokenChange change,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var updated = await connection.ExecuteAsync(new CommandDefinition(UpdateSql, new
        {
            token, setUses = change.SetUsesAllowed, uses = change.UsesAllowed, setExpiry = change.SetExpiryTs,
            expiry = change.ExpiryTs,
        }, cancellationToken: cancellationToken));
        return updated == 0 ? null : await GetAsync(token, cancellationToken);
    }

    public async Task<bool> DeleteAsync(string token, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM registration_tokens WHERE token = @token", new { token },
            cancellationToken: cancellationToken)) == 1;
    }

    private sealed class Row
    {
        public string Token { get; set; } = "";

        public int? UsesAllowed { get; set; }

        public int Completed { get; set; }

        public long? ExpiryTs { get; set; }

        public int Pending { get; set; }

        public RegistrationToken ToToken() => new(Token, UsesAllowed, Completed, ExpiryTs) { Pending = Pending };
    }
}
