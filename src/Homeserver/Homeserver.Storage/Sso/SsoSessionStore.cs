using Dapper;
using Homeserver.Services.Sso;
using Npgsql;

namespace Homeserver.Storage.Sso;

/// <summary>
/// The <c>sso_sessions</c> table (migration 0048): session_hash bytea PRIMARY KEY, browser_hash bytea, idp_id text,
/// client_redirect_url text, return_to text, created_ts bigint, expires_ts bigint; and <c>sso_used_nonces</c>:
/// (idp_id, nonce) PRIMARY KEY, expires_ts bigint. Expired rows go as new ones come.
/// </summary>
public sealed class SsoSessionStore(NpgsqlDataSource dataSource) : ISsoSessionStore
{
    private const string InsertSql = """
        DELETE FROM sso_sessions WHERE expires_ts <= @now;
        INSERT INTO sso_sessions (session_hash, browser_hash, idp_id, client_redirect_url, return_to, created_ts, expires_ts)
        VALUES (@hash, @browser, @idp, @redirect, @returnTo, @now, @expires);
        """;

    private const string TakeSql = """
        DELETE FROM sso_sessions
        WHERE session_hash = @hash AND browser_hash = @browser AND expires_ts > @now
        RETURNING idp_id AS IdpId, client_redirect_url AS ClientRedirectUrl, return_to AS ReturnTo
        """;

    private const string ForgetNoncesSql = "DELETE FROM sso_used_nonces WHERE expires_ts <= @now";

    private const string UseNonceSql = """
        INSERT INTO sso_used_nonces (idp_id, nonce, expires_ts) VALUES (@idp, @nonce, @expires)
        ON CONFLICT DO NOTHING
        """;

    public async Task AddAsync(byte[] sessionHash, byte[] browserHash, SsoSession session, long nowTs, long expiresTs,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, new
        {
            hash = sessionHash, browser = browserHash, idp = session.IdpId, redirect = session.ClientRedirectUrl,
            returnTo = session.ReturnTo, now = nowTs, expires = expiresTs,
        }, cancellationToken: cancellationToken));
    }

    public async Task<SsoSession?> TakeAsync(byte[] sessionHash, byte[] browserHash, long nowTs,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<SessionRow>(new CommandDefinition(TakeSql,
            new { hash = sessionHash, browser = browserHash, now = nowTs }, cancellationToken: cancellationToken));
        return row is null ? null : new SsoSession(row.IdpId, row.ClientRedirectUrl, row.ReturnTo);
    }

    public async Task<bool> TryUseNonceAsync(string idpId, string nonce, long nowTs, long expiresTs,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(ForgetNoncesSql, new { now = nowTs },
            cancellationToken: cancellationToken));
        return await connection.ExecuteAsync(new CommandDefinition(UseNonceSql,
            new { idp = idpId, nonce, now = nowTs, expires = expiresTs }, cancellationToken: cancellationToken)) == 1;
    }

    private sealed class SessionRow
    {
        public string IdpId { get; set; } = "";

        public string ClientRedirectUrl { get; set; } = "";

        public string ReturnTo { get; set; } = "";
    }
}
