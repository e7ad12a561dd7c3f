using Dapper;
using Homeserver.Services.Keys.Backup;
using Npgsql;

namespace Homeserver.Storage.Keys;

/// <summary>
/// The <c>room_key_backup_versions</c> and <c>room_key_backup_keys</c> tables (migration 0016). Writes to a version's
/// keys lock its row first, so they and its etag change one write at a time, and a deletion waits for them.
/// </summary>
public sealed class KeyBackupStore(NpgsqlDataSource dataSource) : IKeyBackupStore
{
    private const string CreateSql = """
        INSERT INTO room_key_backup_versions (user_id, version, algorithm, auth_data)
        VALUES (@userId, nextval('room_key_backup_version_seq'), @algorithm, @authData) RETURNING version
        """;

    private const string GetVersionSql = """
        SELECT v.version AS Version, v.algorithm AS Algorithm, v.auth_data AS AuthData, v.etag AS Etag,
               (SELECT count(*) FROM room_key_backup_keys k WHERE k.user_id = v.user_id AND k.version = v.version) AS Count
        FROM room_key_backup_versions v
        WHERE v.user_id = @userId AND NOT v.deleted AND (@version::bigint IS NULL OR v.version = @version)
        ORDER BY v.version DESC LIMIT 1
        """;

    private const string LockVersionSql = """
        SELECT version, algorithm, deleted FROM room_key_backup_versions
        WHERE user_id = @userId AND version = @version FOR UPDATE
        """;

    private const string CurrentVersionSql = """
        SELECT max(version) FROM room_key_backup_versions WHERE user_id = @userId AND NOT deleted
        """;

    private const string UpdateAuthDataSql = """
        UPDATE room_key_backup_versions SET auth_data = @authData WHERE user_id = @userId AND version = @version
        """;

    private const string DeleteVersionSql = """
        UPDATE room_key_backup_versions SET deleted = true WHERE user_id = @userId AND version = @version
        """;

    // The spec's replacement rule: a stored key is replaced only by a better one (verified over unverified, then the
    // lower first message index, then the lower forwarded count).
    private const string UpsertKeysSql = """
        INSERT INTO room_key_backup_keys AS k (user_id, version, room_id, session_id, first_message_index,
            forwarded_count, is_verified, session_data)
        SELECT @userId, @version, v.room_id, v.session_id, v.first_message_index, v.forwarded_count, v.is_verified,
               v.session_data
        FROM unnest(@roomIds, @sessionIds, @firstMessageIndexes, @forwardedCounts, @verified, @sessionData)
             AS v(room_id, session_id, first_message_index, forwarded_count, is_verified, session_data)
        ON CONFLICT (user_id, version, room_id, session_id) DO UPDATE SET
            first_message_index = excluded.first_message_index, forwarded_count = excluded.forwarded_count,
            is_verified = excluded.is_verified, session_data = excluded.session_data
        WHERE (excluded.is_verified AND NOT k.is_verified)
           OR (excluded.is_verified = k.is_verified AND
               (excluded.first_message_index < k.first_message_index OR
                (excluded.first_message_index = k.first_message_index AND excluded.forwarded_count < k.forwarded_count)))
        """;

    private const string ScopeSql = """
        user_id = @userId AND version = @version
        AND (@roomId::text IS NULL OR room_id = @roomId) AND (@sessionId::text IS NULL OR session_id = @sessionId)
        """;

    private const string GetKeysSql = """
        SELECT room_id AS RoomId, session_id AS SessionId, first_message_index AS FirstMessageIndex,
               forwarded_count AS ForwardedCount, is_verified AS IsVerified, session_data AS SessionData
        FROM room_key_backup_keys WHERE
        """ + " " + ScopeSql + " ORDER BY room_id, session_id";

    private const string DeleteKeysSql = "DELETE FROM room_key_backup_keys WHERE " + ScopeSql;

    private const string BumpEtagSql = """
        UPDATE room_key_backup_versions SET etag = etag + 1 WHERE user_id = @userId AND version = @version
        """;

    private const string CountAndEtagSql = """
        SELECT (SELECT count(*) FROM room_key_backup_keys WHERE user_id = @userId AND version = @version),
               (SELECT etag FROM room_key_backup_versions WHERE user_id = @userId AND version = @version)
        """;

    public async Task<long> CreateVersionAsync(string userId, string algorithm, string authData,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(CreateSql,
            new { userId, algorithm, authData }, cancellationToken: cancellationToken));
    }

    public async Task<BackupVersion?> GetVersionAsync(string userId, long? version, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<BackupVersion>(new CommandDefinition(GetVersionSql,
            new { userId, version }, cancellationToken: cancellationToken));
    }

    public async Task<BackupVersionUpdate> UpdateAuthDataAsync(string userId, long version, string algorithm,
        string authData, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var row = await LockAsync(connection, transaction, userId, version, cancellationToken);
        if (row is null || row.Deleted)
        {
            return BackupVersionUpdate.NoSuchVersion;
        }

        if (!string.Equals(row.Algorithm, algorithm, StringComparison.Ordinal))
        {
            return BackupVersionUpdate.AlgorithmDiffers;
        }

        await connection.ExecuteAsync(new CommandDefinition(UpdateAuthDataSql, new { userId, version, authData },
            transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return BackupVersionUpdate.Updated;
    }

    public async Task<bool> DeleteVersionAsync(string userId, long version, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await LockAsync(connection, transaction, userId, version, cancellationToken) is null)
        {
            return false;
        }

        var scope = ScopeParameters(userId, version, BackupKeyScope.All);
        await connection.ExecuteAsync(new CommandDefinition(DeleteKeysSql, scope, transaction,
            cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(DeleteVersionSql, new { userId, version }, transaction,
            cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<BackupWriteResult> PutKeysAsync(string userId, long version, IReadOnlyList<BackedUpKey> keys,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var current = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(CurrentVersionSql,
            new { userId }, transaction, cancellationToken: cancellationToken));
        var row = await LockAsync(connection, transaction, userId, version, cancellationToken);
        if (row is null || row.Deleted)
        {
            return new BackupWriteResult(BackupWriteStatus.NoSuchVersion, 0, 0, current);
        }

        if (current != version)
        {
            return new BackupWriteResult(BackupWriteStatus.NotCurrentVersion, 0, 0, current);
        }

        var changed = keys.Count > 0 && await connection.ExecuteAsync(new CommandDefinition(UpsertKeysSql, new
        {
            userId,
            version,
            roomIds = keys.Select(k => k.RoomId).ToArray(),
            sessionIds = keys.Select(k => k.SessionId).ToArray(),
            firstMessageIndexes = keys.Select(k => k.FirstMessageIndex).ToArray(),
            forwardedCounts = keys.Select(k => k.ForwardedCount).ToArray(),
            verified = keys.Select(k => k.IsVerified).ToArray(),
            sessionData = keys.Select(k => k.SessionData).ToArray(),
        }, transaction, cancellationToken: cancellationToken)) > 0;
        return await FinishWriteAsync(connection, transaction, userId, version, changed, cancellationToken);
    }

    public async Task<IReadOnlyList<BackedUpKey>?> GetKeysAsync(string userId, long version, BackupKeyScope scope,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(
            System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        var exists = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM room_key_backup_versions WHERE user_id = @userId AND version = @version AND NOT deleted)",
            new { userId, version }, transaction, cancellationToken: cancellationToken));
        if (!exists)
        {
            return null;
        }

        return (await connection.QueryAsync<BackedUpKey>(new CommandDefinition(GetKeysSql,
            ScopeParameters(userId, version, scope), transaction, cancellationToken: cancellationToken))).ToList();
    }

    public async Task<BackupWriteResult> DeleteKeysAsync(string userId, long version, BackupKeyScope scope,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var row = await LockAsync(connection, transaction, userId, version, cancellationToken);
        if (row is null || row.Deleted)
        {
            return new BackupWriteResult(BackupWriteStatus.NoSuchVersion, 0, 0, null);
        }

        var changed = await connection.ExecuteAsync(new CommandDefinition(DeleteKeysSql,
            ScopeParameters(userId, version, scope), transaction, cancellationToken: cancellationToken)) > 0;
        return await FinishWriteAsync(connection, transaction, userId, version, changed, cancellationToken);
    }

    private static async Task<BackupWriteResult> FinishWriteAsync(NpgsqlConnection connection,
        NpgsqlTransaction transaction, string userId, long version, bool changed, CancellationToken cancellationToken)
    {
        if (changed)
        {
            await connection.ExecuteAsync(new CommandDefinition(BumpEtagSql, new { userId, version }, transaction,
                cancellationToken: cancellationToken));
        }

        var (count, etag) = await connection.QuerySingleAsync<(long, long)>(new CommandDefinition(CountAndEtagSql,
            new { userId, version }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return new BackupWriteResult(BackupWriteStatus.Done, count, etag, version);
    }

    private static Task<LockedVersion?> LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        string userId, long version, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<LockedVersion>(new CommandDefinition(LockVersionSql,
            new { userId, version }, transaction, cancellationToken: cancellationToken));

    private static object ScopeParameters(string userId, long version, BackupKeyScope scope) =>
        new { userId, version, roomId = scope.RoomId, sessionId = scope.SessionId };

    private sealed record LockedVersion(long Version, string Algorithm, bool Deleted);
}
