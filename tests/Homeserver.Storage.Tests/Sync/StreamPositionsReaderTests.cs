using Dapper;
using Homeserver.Services.Sync;
using Homeserver.Storage.Keys;
using Homeserver.Storage.Migrations;
using Homeserver.Storage.Sync;
using Homeserver.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Homeserver.Storage.Tests.Sync;

public sealed class StreamPositionsReaderTests
{
    [Fact]
    public async Task One_read_gives_each_streams_own_position()
    {
        await using var dataSource = NpgsqlDataSource.Create(await (await TestPostgres.SharedAsync()).CreateDatabaseAsync());
        await new Migrator(dataSource, NullLogger<Migrator>.Instance).ApplyAsync(CancellationToken.None);
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            // A different position in every stream, so that any two read in each other's place show.
            await connection.ExecuteAsync("""
                INSERT INTO rooms (room_id, room_version, created_ts) VALUES ('!r:test.local', '11', 0);
                INSERT INTO events (event_id, room_id, stream_ordering, depth, type, sender, origin_server_ts, json)
                VALUES ('$e', '!r:test.local', 17, 1, 'm.room.message', '@a:test.local', 0, '{}');
                INSERT INTO room_memberships (room_id, user_id, membership, event_id, stream_ordering)
                VALUES ('!r:test.local', '@a:test.local', 'join', '$m', 13);
                INSERT INTO account_data (user_id, room_id, type, content, stream_id)
                VALUES ('@a:test.local', '', 'org.example', '{}', 3);
                INSERT INTO receipts (room_id, user_id, receipt_type, thread_id, event_id, ts, stream_id)
                VALUES ('!r:test.local', '@a:test.local', 'm.read', '', '$e', 0, 5);
                INSERT INTO presence (user_id, presence, last_active_ts, currently_active, stream_id)
                VALUES ('@a:test.local', 'online', 0, true, 11);
                UPDATE to_device_stream SET position = 7;
                UPDATE device_list_stream SET position = 9;
                """);
        }

        var positions = await new StreamPositionsReader(dataSource).ReadAsync(CancellationToken.None);

        Assert.Equal(new StreamPositions(Events: 17, AccountData: 3, Receipts: 5, ToDevice: 7, Presence: 11,
            DeviceLists: 9, MembershipsChangedAt: 13), positions);
        Assert.Equal(await new ToDeviceStore(dataSource).GetPositionAsync(CancellationToken.None), positions.ToDevice);
        Assert.Equal(await new DeviceListStore(dataSource).GetPositionAsync(CancellationToken.None),
            positions.DeviceLists);
    }

    [Fact]
    public async Task Each_stream_kind_reads_its_own_position()
    {
        var positions = new StreamPositions(1, 2, 3, 4, 5, 6, 7);

        Assert.Equal([1L, 2, 3, 4, 5, 6],
            new[]
            {
                SyncStreamKind.Events, SyncStreamKind.AccountData, SyncStreamKind.Receipts, SyncStreamKind.ToDevice,
                SyncStreamKind.Presence, SyncStreamKind.DeviceLists,
            }.Select(positions.Of));
        Assert.Throws<ArgumentOutOfRangeException>(() => positions.Of(SyncStreamKind.Typing));
    }
}
