using Dapper;
using Homeserver.Services.Accounts;
using Homeserver.Services.Keys;
using Npgsql;

namespace Homeserver.Storage.Keys;

/// <summary>The <c>to_device_inbox</c>, <c>to_device_txns</c> and <c>to_device_stream</c> tables (migration 0010).</summary>
public sealed class ToDeviceStore(NpgsqlDataSource dataSource) : IToDeviceStore
{
    internal const string PositionSql = "SELECT position FROM to_device_stream";

    private const string ClaimTxnSql = """
        INSERT INTO to_device_txns (user_id, device_id, appservice_id, txn_id, created_ts)
        VALUES (@UserId, @DeviceId, @AppServiceId, @txnId, @nowTs)
        ON CONFLICT DO NOTHING
        """;

    // The row lock taken here is held to commit: positions become visible in order.
    private const string NextPositionSql = "UPDATE to_device_stream SET position = position + 1 RETURNING position";

    // '*' fans out to the devices the user has now; a named device that does not exist gets nothing.
    private const string InsertSql = """
        INSERT INTO to_device_inbox (user_id, device_id, stream_id, sender, type, content)
        SELECT d.user_id, d.device_id, @position, @sender, @type, v.content
        FROM unnest(@users, @devices, @contents) AS v(user_id, device_id, content)
        JOIN devices d ON d.user_id = v.user_id AND (v.device_id = '*' OR d.device_id = v.device_id)
        ON CONFLICT DO NOTHING
        """;

    private const string AcknowledgeSql = """
        DELETE FROM to_device_inbox WHERE user_id = @userId AND device_id = @deviceId AND stream_id <= @acknowledged
        """;

    private const string ReadSql = """
        SELECT stream_id AS StreamId, sender AS Sender, type AS Type, content AS Content
        FROM to_device_inbox
        WHERE user_id = @userId AND device_id = @deviceId AND stream_id > @acknowledged AND stream_id <= @upTo
        ORDER BY stream_id LIMIT @limit
        """;

    private const string DeleteOrphansSql = """
        DELETE FROM to_device_inbox i WHERE i.user_id = @userId
        AND NOT EXISTS (SELECT 1 FROM devices d WHERE d.user_id = i.user_id AND d.device_id = i.device_id)
        """;

    public async Task<bool> SendAsync(TransactionScope scope, string txnId, string type,
        IReadOnlyList<ToDeviceRecipient> recipients, long nowTs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recipients);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await connection.ExecuteAsync(new CommandDefinition(ClaimTxnSql,
                new { scope.UserId, scope.DeviceId, scope.AppServiceId, txnId, nowTs },
                transaction, cancellationToken: cancellationToken)) == 0)
        {
            return false;
        }

        if (recipients.Count > 0)
        {
            var position = await connection.ExecuteScalarAsync<long>(new CommandDefinition(NextPositionSql,
                transaction: transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(InsertSql, new
            {
                position,
                sender = scope.UserId,
                type,
                users = recipients.Select(r => r.UserId).ToArray(),
                devices = recipients.Select(r => r.DeviceId).ToArray(),
                contents = recipients.Select(r => r.Content).ToArray(),
            }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<long> GetPositionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(PositionSql,
            cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<ToDeviceMessage>> AcknowledgeAndReadAsync(string userId, string deviceId,
        long acknowledged, long upTo, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var args = new { userId, deviceId, acknowledged, upTo, limit };
        if (acknowledged > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(AcknowledgeSql, args, cancellationToken: cancellationToken));
        }

        return (await connection.QueryAsync<ToDeviceMessage>(new CommandDefinition(ReadSql, args,
            cancellationToken: cancellationToken))).ToList();
    }

    public async Task DeleteOrphanedInboxesAsync(string userId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(DeleteOrphansSql, new { userId },
            cancellationToken: cancellationToken));
    }
}
