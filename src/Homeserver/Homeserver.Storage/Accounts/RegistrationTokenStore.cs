using Dapper;
using Homeserver.Services.Accounts;
using Npgsql;

namespace Homeserver.Storage.Accounts;

/// <summary>The <c>registration_tokens</c> table (migration 0002).</summary>
public sealed class RegistrationTokenStore(NpgsqlDataSource dataSource) : IRegistrationTokenStore
{
    public async Task CreateAsync(RegistrationToken token, long nowTs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO registration_tokens (token, uses_allowed, completed, expiry_ts, created_ts)
            VALUES (@Token, @UsesAllowed, @Completed, @ExpiryTs, @now)
            """, new { token.Token, token.UsesAllowed, token.Completed, token.ExpiryTs, now = nowTs },
            cancellationToken: cancellationToken));
    }

    public async Task<RegistrationToken?> GetAsync(string token, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<RegistrationToken>(new CommandDefinition("""
            SELECT token AS Token, uses_allowed AS UsesAllowed, completed AS Completed, expiry_ts AS ExpiryTs
            FROM registration_tokens WHERE token = @token
            """, new { token }, cancellationToken: cancellationToken));
    }
}
