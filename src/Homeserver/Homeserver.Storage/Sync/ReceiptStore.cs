using Dapper;
using Homeserver.Services.Sync;
using Npgsql;

namespace Homeserver.Storage.Sync;

/// <summary>The <c>receipts</c> table (migration 0008).</summary>
public sealed class ReceiptStore(NpgsqlDataSource dataSource) : IReceiptStore
{
    /// <summary>Held from taking a position to commit, so positions become visible in order ("HSRECEIP").</summary>
    public const long StreamLockKey = 0x48535245434549;

    internal const string StreamSql = "SELECT coalesce(max(stream_id), 0) FROM receipts";

    private const string UpsertSql = """
        INSERT INTO receipts (room_id, user_id, receipt_type, thread_id, event_id, ts, stream_id)
        VALUES (@RoomId, @UserId, @Type, @ThreadId, @EventId, @Ts, nextval('receipts_stream_seq'))
        ON CONFLICT (room_id, user_id, receipt_type, thread_id)
        DO UPDATE SET event_id = excluded.event_id, ts = excluded.ts, stream_id = excluded.stream_id
        RETURNING stream_id
        """;

    private const string SelectSql = """
        SELECT room_id AS RoomId, user_id AS UserId, receipt_type AS Type, thread_id AS ThreadId, event_id AS EventId,
               ts AS Ts, stream_id AS StreamId
        FROM receipts WHERE room_id = ANY(@rooms) AND stream_id > @since AND stream_id <= @upTo
        ORDER BY stream_id
        """;

    public async Task<long> PutAsync(Receipt receipt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        return await OrderedStreamWrite.WriteAsync(dataSource, StreamLockKey, UpsertSql, receipt, cancellationToken);
    }

    public async Task<IReadOnlyList<Receipt>> GetAsync(IReadOnlyCollection<string> roomIds, long since, long upTo,
        CancellationToken cancellationToken)
    {
        if (roomIds.Count == 0)
        {
            return [];
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<Receipt>(new CommandDefinition(SelectSql,
            new { rooms = roomIds.ToArray(), since, upTo }, cancellationToken: cancellationToken))).ToList();
    }
}
