using Dapper;
using Homeserver.Services.Keys;
using Npgsql;

namespace Homeserver.Storage.Keys;

/// <summary>The <c>cross_signing_keys</c> and <c>key_signatures</c> tables (migration 0011).</summary>
public sealed class CrossSigningKeyStore(NpgsqlDataSource dataSource) : ICrossSigningKeyStore
{
    private const string GetKeysSql = """
        SELECT user_id AS UserId, usage AS Usage, key_json AS KeyJson FROM cross_signing_keys
        WHERE user_id = ANY(@userIds)
        """;

    private const string SetKeySql = """
        INSERT INTO cross_signing_keys (user_id, usage, key_json) VALUES (@UserId, @Usage, @KeyJson)
        ON CONFLICT (user_id, usage) DO UPDATE SET key_json = excluded.key_json
        """;

    private const string AddSignatureSql = """
        INSERT INTO key_signatures (target_user_id, target_key_id, signer_user_id, signer_key_id, signature)
        VALUES (@TargetUserId, @TargetKeyId, @SignerUserId, @SignerKeyId, @Signature)
        ON CONFLICT (target_user_id, target_key_id, signer_user_id, signer_key_id)
        DO UPDATE SET signature = excluded.signature
        """;

    private const string GetSignaturesSql = """
        SELECT target_user_id AS TargetUserId, target_key_id AS TargetKeyId, signer_user_id AS SignerUserId,
               signer_key_id AS SignerKeyId, signature AS Signature
        FROM key_signatures WHERE target_user_id = ANY(@userIds)
        """;

    public async Task<IReadOnlyList<StoredCrossSigningKey>> GetCrossSigningKeysAsync(IReadOnlyCollection<string> userIds,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<StoredCrossSigningKey>(new CommandDefinition(GetKeysSql,
            new { userIds = userIds.ToArray() }, cancellationToken: cancellationToken))).ToList();
    }

    public async Task SetCrossSigningKeysAsync(string userId, IReadOnlyList<StoredCrossSigningKey> keys,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        await ExecuteForEachAsync(SetKeySql, keys, cancellationToken);
    }

    public async Task AddSignaturesAsync(IReadOnlyList<KeySignature> signatures, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signatures);
        await ExecuteForEachAsync(AddSignatureSql, signatures, cancellationToken);
    }

    /// <summary>Runs the statement once per item (Dapper's multi-execution), all in one transaction.</summary>
    private async Task ExecuteForEachAsync<T>(string sql, IReadOnlyList<T> items, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, items, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<KeySignature>> GetSignaturesAsync(IReadOnlyCollection<string> targetUserIds,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(targetUserIds);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<KeySignature>(new CommandDefinition(GetSignaturesSql,
            new { userIds = targetUserIds.ToArray() }, cancellationToken: cancellationToken))).ToList();
    }
}
