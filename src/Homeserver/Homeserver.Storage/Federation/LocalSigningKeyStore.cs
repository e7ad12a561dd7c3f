using Dapper;
using Homeserver.Core.Federation;
using Homeserver.Services.Federation.Keys;
using Npgsql;

namespace Homeserver.Storage.Federation;

/// <summary>
/// The <c>local_signing_keys</c> table (migration 0025): every signing key this server has used.
/// <code>
/// local_signing_keys (key_id PRIMARY KEY, public_key bytea, created_ts bigint, expired_ts bigint NULL)
/// </code>
/// </summary>
public sealed class LocalSigningKeyStore(NpgsqlDataSource dataSource) : ILocalSigningKeyStore
{
    private const string InsertSql = """
        INSERT INTO local_signing_keys (key_id, public_key, created_ts) VALUES (@keyId, @publicKey, @now)
        ON CONFLICT (key_id) DO NOTHING
        """;

    private const string ExpireOthersSql = """
        UPDATE local_signing_keys SET expired_ts = @now WHERE key_id <> @keyId AND expired_ts IS NULL
        """;

    private const string OldKeysSql = """
        SELECT key_id AS KeyId, public_key AS PublicKey, expired_ts AS ExpiredTs FROM local_signing_keys
        WHERE key_id <> @keyId AND expired_ts IS NOT NULL ORDER BY key_id
        """;

    public async Task<IReadOnlyList<PublishedKey>> RecordCurrentAsync(string keyId, byte[] publicKey, long nowTs,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var parameters = new { keyId, publicKey, now = nowTs };
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, parameters, transaction,
            cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(ExpireOthersSql, parameters, transaction,
            cancellationToken: cancellationToken));
        var rows = await connection.QueryAsync<(string KeyId, byte[] PublicKey, long ExpiredTs)>(new CommandDefinition(
            OldKeysSql, parameters, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return rows.Select(r => new PublishedKey(r.KeyId, r.PublicKey, r.ExpiredTs)).ToList();
    }
}
