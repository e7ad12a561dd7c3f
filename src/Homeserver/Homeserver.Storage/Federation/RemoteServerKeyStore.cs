using Dapper;
using Homeserver.Services.Federation.Keys;
using Npgsql;

namespace Homeserver.Storage.Federation;

/// <summary>
/// The <c>remote_server_keys</c> table (migration 0025): other servers' keys with the document each came from.
/// <code>
/// remote_server_keys (server_name, key_id) PRIMARY KEY, public_key bytea, valid_until_ts bigint, is_old boolean,
///                    key_document text, fetched_ts bigint
/// </code>
/// </summary>
public sealed class RemoteServerKeyStore(NpgsqlDataSource dataSource) : IRemoteServerKeyStore
{
    private const string GetSql = """
        SELECT server_name AS ServerName, key_id AS KeyId, public_key AS PublicKey, valid_until_ts AS ValidUntilTs,
               is_old AS IsOld, key_document AS Document, fetched_ts AS FetchedTs
        FROM remote_server_keys WHERE server_name = @serverName
        """;

    // The longest validity is kept: a document valid for less (an older one served late, say) changes nothing.
    private const string StoreSql = """
        INSERT INTO remote_server_keys (server_name, key_id, public_key, valid_until_ts, is_old, key_document,
                                        fetched_ts)
        VALUES (@ServerName, @KeyId, @PublicKey, @ValidUntilTs, @IsOld, @Document, @FetchedTs)
        ON CONFLICT (server_name, key_id) DO UPDATE
        SET public_key = excluded.public_key, valid_until_ts = excluded.valid_until_ts, is_old = excluded.is_old,
            key_document = excluded.key_document, fetched_ts = excluded.fetched_ts
        WHERE excluded.valid_until_ts >= remote_server_keys.valid_until_ts
        """;

    public async Task<IReadOnlyList<StoredServerKey>> GetAsync(string serverName, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<StoredServerKey>(new CommandDefinition(GetSql, new { serverName },
            cancellationToken: cancellationToken))).ToList();
    }

    public async Task StoreAsync(IReadOnlyList<StoredServerKey> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(StoreSql, keys, transaction,
            cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }
}
