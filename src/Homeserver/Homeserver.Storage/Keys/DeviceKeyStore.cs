using Dapper;
using Homeserver.Services.Keys;
using Npgsql;

namespace Homeserver.Storage.Keys;

/// <summary>The <c>device_keys</c>, <c>one_time_keys</c> and <c>fallback_keys</c> tables (migration 0011).</summary>
public sealed class DeviceKeyStore(NpgsqlDataSource dataSource) : IDeviceKeyStore
{
    private const string SetDeviceKeysSql = """
        INSERT INTO device_keys (user_id, device_id, key_json) VALUES (@userId, @deviceId, @keyJson)
        ON CONFLICT (user_id, device_id) DO UPDATE SET key_json = excluded.key_json
        WHERE device_keys.key_json IS DISTINCT FROM excluded.key_json
        """;

    private const string ConflictingOneTimeKeySql = """
        SELECT k.algorithm || ':' || k.key_id FROM one_time_keys k
        JOIN unnest(@algorithms, @keyIds, @jsons) AS v(algorithm, key_id, key_json)
          ON k.algorithm = v.algorithm AND k.key_id = v.key_id
        WHERE k.user_id = @userId AND k.device_id = @deviceId AND k.key_json <> v.key_json
        LIMIT 1
        """;

    private const string AddOneTimeKeysSql = """
        INSERT INTO one_time_keys (user_id, device_id, algorithm, key_id, key_json, upload_id)
        SELECT @userId, @deviceId, v.algorithm, v.key_id, v.key_json, nextval('one_time_key_upload_seq')
        FROM unnest(@algorithms, @keyIds, @jsons) AS v(algorithm, key_id, key_json)
        ON CONFLICT DO NOTHING
        """;

    // The same key uploaded again keeps its used flag; a new key starts unused.
    private const string SetFallbackKeySql = """
        INSERT INTO fallback_keys (user_id, device_id, algorithm, key_id, key_json, used)
        VALUES (@userId, @deviceId, @Algorithm, @KeyId, @Json, false)
        ON CONFLICT (user_id, device_id, algorithm) DO UPDATE SET key_id = excluded.key_id,
            key_json = excluded.key_json,
            used = fallback_keys.used AND fallback_keys.key_id = excluded.key_id AND fallback_keys.key_json = excluded.key_json
        """;

    private const string CountSql = """
        SELECT algorithm AS Algorithm, count(*)::int AS Count FROM one_time_keys
        WHERE user_id = @userId AND device_id = @deviceId GROUP BY algorithm
        """;

    private const string InventorySql = """
        SELECT true AS OneTime, algorithm AS Algorithm, count(*)::int AS Count FROM one_time_keys
        WHERE user_id = @userId AND device_id = @deviceId GROUP BY algorithm
        UNION ALL
        SELECT false, algorithm, 0 FROM fallback_keys WHERE user_id = @userId AND device_id = @deviceId AND NOT used
        """;

    private const string GetDeviceKeysSql = """
        SELECT k.user_id AS UserId, k.device_id AS DeviceId, k.key_json AS KeyJson, d.display_name AS DisplayName
        FROM device_keys k JOIN devices d ON d.user_id = k.user_id AND d.device_id = k.device_id
        WHERE k.user_id = ANY(@userIds) ORDER BY k.user_id, k.device_id
        """;

    // SKIP LOCKED: concurrent claims take different keys, and each key is deleted by the claim that got it.
    private const string ClaimOneTimeKeySql = """
        DELETE FROM one_time_keys WHERE ctid = (
            SELECT ctid FROM one_time_keys
            WHERE user_id = @userId AND device_id = @deviceId AND algorithm = @algorithm
            ORDER BY upload_id LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING algorithm AS Algorithm, key_id AS KeyId, key_json AS Json, false AS Fallback
        """;

    private const string ClaimFallbackKeySql = """
        UPDATE fallback_keys SET used = true WHERE user_id = @userId AND device_id = @deviceId AND algorithm = @algorithm
        RETURNING algorithm AS Algorithm, key_id AS KeyId, key_json AS Json, true AS Fallback
        """;

    private const string DeleteOrphansSql = """
        DELETE FROM device_keys k WHERE k.user_id = @userId
            AND NOT EXISTS (SELECT 1 FROM devices d WHERE d.user_id = k.user_id AND d.device_id = k.device_id);
        DELETE FROM one_time_keys k WHERE k.user_id = @userId
            AND NOT EXISTS (SELECT 1 FROM devices d WHERE d.user_id = k.user_id AND d.device_id = k.device_id);
        DELETE FROM fallback_keys k WHERE k.user_id = @userId
            AND NOT EXISTS (SELECT 1 FROM devices d WHERE d.user_id = k.user_id AND d.device_id = k.device_id);
        """;

    public async Task<bool> SetDeviceKeysAsync(string userId, string deviceId, string keyJson,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(SetDeviceKeysSql, new { userId, deviceId, keyJson },
            cancellationToken: cancellationToken)) > 0;
    }

    public async Task<string?> AddOneTimeKeysAsync(string userId, string deviceId, IReadOnlyList<UploadedKey> keys,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var args = new
        {
            userId,
            deviceId,
            algorithms = keys.Select(k => k.Algorithm).ToArray(),
            keyIds = keys.Select(k => k.KeyId).ToArray(),
            jsons = keys.Select(k => k.Json).ToArray(),
        };
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var conflict = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(ConflictingOneTimeKeySql, args,
            transaction, cancellationToken: cancellationToken));
        if (conflict is not null)
        {
            return conflict;
        }

        await connection.ExecuteAsync(new CommandDefinition(AddOneTimeKeysSql, args, transaction,
            cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return null;
    }

    public async Task SetFallbackKeysAsync(string userId, string deviceId, IReadOnlyList<UploadedKey> keys,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(SetFallbackKeySql,
            keys.Select(key => new { userId, deviceId, key.Algorithm, key.KeyId, key.Json }).ToList(), transaction,
            cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyDictionary<string, int>> CountOneTimeKeysAsync(string userId, string deviceId,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Algorithm, int Count)>(new CommandDefinition(CountSql,
            new { userId, deviceId }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Algorithm, r => r.Count, StringComparer.Ordinal);
    }

    public async Task<(IReadOnlyDictionary<string, int> OneTimeKeyCounts, IReadOnlyList<string> UnusedFallbackAlgorithms)>
        GetKeyInventoryAsync(string userId, string deviceId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<(bool OneTime, string Algorithm, int Count)>(new CommandDefinition(
            InventorySql, new { userId, deviceId }, cancellationToken: cancellationToken))).ToList();
        return (rows.Where(r => r.OneTime).ToDictionary(r => r.Algorithm, r => r.Count, StringComparer.Ordinal),
            rows.Where(r => !r.OneTime).Select(r => r.Algorithm).Order(StringComparer.Ordinal).ToList());
    }

    public async Task<IReadOnlyList<StoredDeviceKeys>> GetDeviceKeysAsync(IReadOnlyCollection<string> userIds,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<StoredDeviceKeys>(new CommandDefinition(GetDeviceKeysSql,
            new { userIds = userIds.ToArray() }, cancellationToken: cancellationToken))).ToList();
    }

    public async Task<ClaimedKey?> ClaimAsync(string userId, string deviceId, string algorithm,
        CancellationToken cancellationToken)
    {
        var args = new { userId, deviceId, algorithm };
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ClaimedKey>(new CommandDefinition(ClaimOneTimeKeySql, args,
                   cancellationToken: cancellationToken))
               ?? await connection.QuerySingleOrDefaultAsync<ClaimedKey>(new CommandDefinition(ClaimFallbackKeySql,
                   args, cancellationToken: cancellationToken));
    }

    public async Task DeleteOrphanedKeysAsync(string userId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(DeleteOrphansSql, new { userId },
            cancellationToken: cancellationToken));
    }
}
