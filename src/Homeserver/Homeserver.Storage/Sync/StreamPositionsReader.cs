using Dapper;
using Homeserver.Services.Sync;
using Homeserver.Storage.Keys;
using Homeserver.Storage.Presence;
using Homeserver.Storage.Rooms;
using Npgsql;

namespace Homeserver.Storage.Sync;

/// <summary>
/// Every /sync stream's position in one statement (each store's own position query as a subquery). One statement sees
/// one snapshot, so the newest membership change it reads is never behind the event position it reads.
/// </summary>
public sealed class StreamPositionsReader(NpgsqlDataSource dataSource) : IStreamPositionsReader
{
    private const string Sql = $"""
        SELECT ({RoomEventReader.CurrentStreamSql}) AS Events,
               ({SyncReader.AccountDataStreamSql}) AS AccountData,
               ({ReceiptStore.StreamSql}) AS Receipts,
               ({ToDeviceStore.PositionSql}) AS ToDevice,
               ({PresenceStore.StreamSql}) AS Presence,
               ({DeviceListStore.PositionSql}) AS DeviceLists,
               ({SyncReader.LastMembershipChangeSql}) AS MembershipsChangedAt
        """;

    public async Task<StreamPositions> ReadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<StreamPositions>(new CommandDefinition(Sql,
            cancellationToken: cancellationToken));
    }
}
