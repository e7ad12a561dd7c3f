using Dapper;
using Homeserver.Services.Keys.Dehydration;
using Npgsql;

namespace Homeserver.Storage.Keys;

/// <summary>
/// The <c>dehydrated_devices</c> table (migration 0017). The device is also a row of <c>devices</c> (with no tokens),
/// created and deleted in the same transaction, and its keys and inbox go with it (also when a new dehydrated device
/// reuses its ID, so no old one-time key can clash with the new ones).
/// </summary>
public sealed class DehydratedDeviceStore(NpgsqlDataSource dataSource) : IDehydratedDeviceStore
{
    // A dehydrated device deleted through DELETE /devices/{deviceId} is gone.
    private const string GetSql = """
        SELECT h.device_id AS DeviceId, h.device_data AS DeviceData
        FROM dehydrated_devices h JOIN devices d ON d.user_id = h.user_id AND d.device_id = h.device_id
        WHERE h.user_id = @userId
        """;

    // The user's row lock (or, for a first device, the primary key) serialises replacements.
    private const string LockSql = "SELECT device_id FROM dehydrated_devices WHERE user_id = @userId FOR UPDATE";

    private const string DeviceExistsSql = """
        SELECT EXISTS (SELECT 1 FROM devices WHERE user_id = @userId AND device_id = @deviceId)
        """;

    private const string DeleteDeviceSql = """
        DELETE FROM dehydrated_devices WHERE user_id = @userId;
        DELETE FROM devices WHERE user_id = @userId AND device_id = @deviceId;
        DELETE FROM device_keys WHERE user_id = @userId AND device_id = @deviceId;
        DELETE FROM one_time_keys WHERE user_id = @userId AND device_id = @deviceId;
        DELETE FROM fallback_keys WHERE user_id = @userId AND device_id = @deviceId;
        DELETE FROM to_device_inbox WHERE user_id = @userId AND device_id = @deviceId;
        """;

    private const string InsertSql = """
        INSERT INTO devices (user_id, device_id, display_name, created_ts) VALUES (@userId, @deviceId, @displayName, @nowTs);
        INSERT INTO dehydrated_devices (user_id, device_id, device_data, created_ts)
        VALUES (@userId, @deviceId, @deviceData, @nowTs);
        """;

    public async Task<StoredDehydratedDevice?> GetAsync(string userId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<StoredDehydratedDevice>(new CommandDefinition(GetSql,
            new { userId }, cancellationToken: cancellationToken));
    }

    public async Task<DehydratedDevicePut> PutAsync(string userId, string deviceId, string deviceData,
        string? displayName, long nowTs, CancellationToken cancellationToken)
    {
        // A concurrent first put (no row to lock yet) or login taking the same device ID makes the insert fail; the
        // next attempt sees and locks what it committed.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryPutAsync(userId, deviceId, deviceData, displayName, nowTs, cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && attempt < 3)
            {
            }
        }
    }

    private async Task<DehydratedDevicePut> TryPutAsync(string userId, string deviceId, string deviceData,
        string? displayName, long nowTs, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var old = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(LockSql, new { userId },
            transaction, cancellationToken: cancellationToken));
        if (old != deviceId && await connection.ExecuteScalarAsync<bool>(new CommandDefinition(DeviceExistsSql,
                new { userId, deviceId }, transaction, cancellationToken: cancellationToken)))
        {
            return DehydratedDevicePut.DeviceIdTaken;
        }

        if (old is not null)
        {
            await connection.ExecuteAsync(new CommandDefinition(DeleteDeviceSql, new { userId, deviceId = old },
                transaction, cancellationToken: cancellationToken));
        }

        await connection.ExecuteAsync(new CommandDefinition(InsertSql,
            new { userId, deviceId, deviceData, displayName, nowTs }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return DehydratedDevicePut.Stored;
    }

    public async Task<string?> DeleteAsync(string userId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var deviceId = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(LockSql, new { userId },
            transaction, cancellationToken: cancellationToken));
        if (deviceId is not null)
        {
            await connection.ExecuteAsync(new CommandDefinition(DeleteDeviceSql, new { userId, deviceId },
                transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return deviceId;
    }
}
