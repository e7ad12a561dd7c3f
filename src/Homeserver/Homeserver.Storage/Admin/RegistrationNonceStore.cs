using Dapper;
using Homeserver.Services.Admin;
using Npgsql;

namespace Homeserver.Storage.Admin;

/// <summary>The <c>admin_registration_nonces</c> table (migration 0039): nonce text PRIMARY KEY, created_ts bigint.</summary>
public sealed class RegistrationNonceStore(NpgsqlDataSource dataSource) : IRegistrationNonceStore
{
    private const string InsertSql = """
        DELETE FROM admin_registration_nonces WHERE created_ts < @expiredBefore;
        INSERT INTO admin_registration_nonces (nonce, created_ts) VALUES (@nonce, @now);
        """;

    private const string ConsumeSql = "DELETE FROM admin_registration_nonces WHERE nonce = @nonce RETURNING created_ts";

    public async Task AddAsync(string nonce, long nowTs, long expiredBeforeTs, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(InsertSql,
            new { nonce, now = nowTs, expiredBefore = expiredBeforeTs }, cancellationToken: cancellationToken));
    }

    public async Task<long?> ConsumeAsync(string nonce, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(ConsumeSql, new { nonce },
            cancellationToken: cancellationToken));
    }
}
