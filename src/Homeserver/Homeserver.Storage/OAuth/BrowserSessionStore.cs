using Dapper;
using Homeserver.Core.Identifiers;
using Homeserver.Services.OAuth;
using Npgsql;

namespace Homeserver.Storage.OAuth;

/// <summary>
/// The <c>oauth_browser_sessions</c> table (migration 0045):
/// session_hash bytea PRIMARY KEY, user_id text NULL, created_ts bigint, expires_ts bigint.
/// </summary>
public sealed class BrowserSessionStore(NpgsqlDataSource dataSource) : IBrowserSessionStore
{
    // Expired rows go as new ones come, so the table stays as small as the sessions alive.
    private const string InsertSql = """
        DELETE FROM oauth_browser_sessions WHERE expires_ts <= @now;
        INSERT INTO oauth_browser_sessions (session_hash, created_ts, expires_ts) VALUES (@hash, @now, @expires);
        """;

    private const string SelectSql = """
        SELECT s.user_id FROM oauth_browser_sessions s
        LEFT JOIN users u ON u.user_id = s.user_id
        WHERE s.session_hash = @hash AND s.expires_ts > @now AND (s.user_id IS NULL OR NOT u.deactivated)
        """;

    private const string ExistsSql = """
        SELECT EXISTS (SELECT 1 FROM oauth_browser_sessions WHERE session_hash = @hash AND expires_ts > @now)
        """;

    private const string SetUserSql = "UPDATE oauth_browser_sessions SET user_id = @userId WHERE session_hash = @hash";

    public async Task AddAsync(byte[] sessionHash, long nowTs, long expiresTs, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(InsertSql,
            new { hash = sessionHash, now = nowTs, expires = expiresTs }, cancellationToken: cancellationToken));
    }

    public async Task<BrowserSession?> GetAsync(byte[] sessionHash, long nowTs, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var parameters = new { hash = sessionHash, now = nowTs };
        var userId = await connection.QueryFirstOrDefaultAsync<string?>(new CommandDefinition(SelectSql, parameters,
            cancellationToken: cancellationToken));
        if (userId is not null)
        {
            return new BrowserSession(sessionHash, UserId.Parse(userId));
        }

        // A session whose user was deactivated is still a session, signed out.
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(ExistsSql, parameters,
            cancellationToken: cancellationToken))
            ? new BrowserSession(sessionHash, null)
            : null;
    }

    public async Task SetUserAsync(byte[] sessionHash, UserId? userId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(SetUserSql,
            new { hash = sessionHash, userId = userId?.Value }, cancellationToken: cancellationToken));
    }
}
