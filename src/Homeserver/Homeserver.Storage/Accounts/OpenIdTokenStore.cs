using Dapper;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Social;
using Npgsql;

namespace Homeserver.Storage.Accounts;

/// <summary>The <c>openid_tokens</c> table (migration 0018): token hash, user, expiry.</summary>
public sealed class OpenIdTokenStore(NpgsqlDataSource dataSource) : IOpenIdTokenStore
{
    private const string InsertSql = """
        DELETE FROM openid_tokens WHERE user_id = @userId AND expires_ts <= @nowTs;
        INSERT INTO openid_tokens (token_hash, user_id, expires_ts) VALUES (@tokenHash, @userId, @expiresTs);
        """;

    private const string FindSql = """
        SELECT user_id FROM openid_tokens WHERE token_hash = @tokenHash AND expires_ts > @nowTs
        """;

    public async Task AddAsync(byte[] tokenHash, UserId userId, long expiresTs, long nowTs,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(InsertSql,
            new { tokenHash, userId = userId.Value, expiresTs, nowTs }, cancellationToken: cancellationToken));
    }

    public async Task<string?> FindUserAsync(byte[] tokenHash, long nowTs, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(FindSql,
            new { tokenHash, nowTs }, cancellationToken: cancellationToken));
    }
}
