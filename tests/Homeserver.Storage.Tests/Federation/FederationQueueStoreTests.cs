using System.Text;
using Dapper;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Federation.Sending;
using Homeserver.Storage.Federation;
using Homeserver.Storage.Rooms;
using Homeserver.Storage.Tests.Rooms;
using Npgsql;

namespace Homeserver.Storage.Tests.Federation;

/// <summary>The federation sender's durable queue (migration 0028) and the joined servers of a room.</summary>
public sealed class FederationQueueStoreTests
{
    private static readonly ServerName Remote = ServerName.Parse("remote.test");
    private static readonly ServerName Other = ServerName.Parse("other.test:8448");
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    [Fact]
    public async Task Queued_pdus_and_edus_survive_a_new_store_and_come_back_in_order()
    {
        using var dataSource = NpgsqlDataSource.Create(await WriterRoom.MigratedDatabaseAsync());
        var first = new FederationQueueStore(dataSource);
        await first.EnqueuePdusAsync([Pdu(Remote, 7), Pdu(Remote, 3), Pdu(Other, 5)], CancellationToken.None);
        await first.EnqueueEduAsync([Remote], "m.typing", """{"n":1}""", CancellationToken.None);
        await first.EnqueueEduAsync([Remote, Other], "m.device_list_update", """{"n":2}""", CancellationToken.None);

        var second = new FederationQueueStore(dataSource);
        var (pdus, edus) = await second.ReadQueueAsync(Remote, 50, 100, CancellationToken.None);
        Assert.Equal([3L, 7L], pdus.Select(p => p.Position));
        Assert.Equal(["m.typing", "m.device_list_update"], edus.Select(e => e.EduType));
        Assert.Equal("""{"n":1}""", edus[0].Content);
        var withWork = await second.GetDestinationsWithWorkAsync(CancellationToken.None);
        Assert.Equal(["other.test:8448", "remote.test"], withWork.Select(d => d.Value).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_same_pdu_queued_twice_is_queued_once()
    {
        using var dataSource = NpgsqlDataSource.Create(await WriterRoom.MigratedDatabaseAsync());
        var store = new FederationQueueStore(dataSource);
        await store.EnqueuePdusAsync([Pdu(Remote, 3)], CancellationToken.None);
        await store.EnqueuePdusAsync([Pdu(Remote, 3), Pdu(Remote, 4)], CancellationToken.None);
        var (pdus, _) = await store.ReadQueueAsync(Remote, 50, 100, CancellationToken.None);
        Assert.Equal([3L, 4L], pdus.Select(p => p.Position));
    }

    [Fact]
    public async Task A_transaction_in_flight_keeps_its_id_and_body_and_its_completion_removes_exactly_its_items()
    {
        using var dataSource = NpgsqlDataSource.Create(await WriterRoom.MigratedDatabaseAsync());
        var store = new FederationQueueStore(dataSource);
        await store.EnqueuePdusAsync([Pdu(Remote, 1), Pdu(Remote, 2)], CancellationToken.None);
        await store.EnqueueEduAsync([Remote], "m.typing", "{}", CancellationToken.None);
        var (pdus, edus) = await store.ReadQueueAsync(Remote, 1, 100, CancellationToken.None);
        var saved = await store.SavePendingTransactionAsync(Remote, Encoding.UTF8.GetBytes("body"),
            pdus.Select(p => p.Position).ToList(), edus.Select(e => e.Id).ToList(), Now, CancellationToken.None);
        await store.EnqueueEduAsync([Remote], "m.receipt", "{}", CancellationToken.None);

        var pending = await new FederationQueueStore(dataSource).GetPendingTransactionAsync(Remote, CancellationToken.None);
        Assert.NotNull(pending);
        Assert.Equal(saved.TxnId, pending.TxnId);
        Assert.Equal("body", Encoding.UTF8.GetString(pending.Body));
        Assert.Equal([1L], pending.Pdus);

        await store.CompleteTransactionAsync(Remote, pending, CancellationToken.None);
        Assert.Null(await store.GetPendingTransactionAsync(Remote, CancellationToken.None));
        var (left, leftEdus) = await store.ReadQueueAsync(Remote, 50, 100, CancellationToken.None);
        Assert.Equal([2L], left.Select(p => p.Position));
        Assert.Equal(["m.receipt"], leftEdus.Select(e => e.EduType));

        var next = await store.SavePendingTransactionAsync(Remote, [], [2], [], Now, CancellationToken.None);
        Assert.NotEqual(saved.TxnId, next.TxnId);
    }

    [Fact]
    public async Task One_owner_holds_a_destination_until_its_lease_expires_or_is_released()
    {
        using var dataSource = NpgsqlDataSource.Create(await WriterRoom.MigratedDatabaseAsync());
        var store = new FederationQueueStore(dataSource);
        var until = Now + TimeSpan.FromMinutes(3);
        Assert.True(await store.TryLeaseAsync(Remote, "a", Now, until, CancellationToken.None));
        Assert.True(await store.TryLeaseAsync(Remote, "a", Now, until, CancellationToken.None));
        Assert.False(await store.TryLeaseAsync(Remote, "b", Now + TimeSpan.FromMinutes(2), until, CancellationToken.None));
        Assert.True(await store.TryLeaseAsync(Remote, "b", until, until + TimeSpan.FromMinutes(3), CancellationToken.None));
        await store.ReleaseLeaseAsync(Remote, "a", CancellationToken.None); // not a's any more: b keeps it
        Assert.False(await store.TryLeaseAsync(Remote, "a", until, until, CancellationToken.None));
        await store.ReleaseLeaseAsync(Remote, "b", CancellationToken.None);
        Assert.True(await store.TryLeaseAsync(Remote, "a", until, until, CancellationToken.None));
    }

    [Fact]
    public async Task Catch_up_keeps_per_room_our_newest_extremity_or_else_the_newest_queued_event()
    {
        var connectionString = await WriterRoom.MigratedDatabaseAsync();
        using var dataSource = NpgsqlDataSource.Create(connectionString);
        var writer = new RoomEventWriter(dataSource, 100_000);
        var room = await WriterRoom.CreateAsync(writer);
        var sent = new List<Homeserver.Services.Rooms.PersistedEvent>();
        for (var i = 0; i < 5; i++)
        {
            sent.AddRange(await WriterRoom.SendAsync(writer, room, "m" + i));
        }

        var store = new FederationQueueStore(dataSource);
        await store.EnqueuePdusAsync(sent.Take(3).Select(e => new OutboundPdu(Remote, e.StreamOrdering, room,
            e.Pdu.EventId)).ToList(), CancellationToken.None);
        await store.SavePendingTransactionAsync(Remote, [], [sent[0].StreamOrdering], [], Now, CancellationToken.None);
        await store.CatchUpAsync(Remote, ServerName.Parse("test.local"), CancellationToken.None);
        var (pdus, _) = await store.ReadQueueAsync(Remote, 50, 100, CancellationToken.None);
        Assert.Equal([sent[4].Pdu.EventId], pdus.Select(p => p.EventId));
        Assert.Null(await store.GetPendingTransactionAsync(Remote, CancellationToken.None));

        // Not authored here (another origin): the newest queued event of the room stays.
        await store.EnqueuePdusAsync(sent.Take(3).Select(e => new OutboundPdu(Other, e.StreamOrdering, room,
            e.Pdu.EventId)).ToList(), CancellationToken.None);
        await store.CatchUpAsync(Other, ServerName.Parse("elsewhere.test"), CancellationToken.None);
        var (others, _) = await store.ReadQueueAsync(Other, 50, 100, CancellationToken.None);
        Assert.Equal([sent[2].Pdu.EventId], others.Select(p => p.EventId));
    }

    [Fact]
    public async Task Trimming_drops_the_droppable_edus_and_all_but_the_newest()
    {
        using var dataSource = NpgsqlDataSource.Create(await WriterRoom.MigratedDatabaseAsync());
        var store = new FederationQueueStore(dataSource);
        foreach (var type in new[] { "m.device_list_update", "m.typing", "m.direct_to_device", "m.receipt", "m.presence",
                     "m.signing_key_update" })
        {
            await store.EnqueueEduAsync([Remote], type, "{}", CancellationToken.None);
        }

        await store.TrimEdusAsync(Remote, FederationSenderOptions.DroppableEduTypes, 2, CancellationToken.None);
        var (_, edus) = await store.ReadQueueAsync(Remote, 50, 100, CancellationToken.None);
        Assert.Equal(["m.direct_to_device", "m.signing_key_update"], edus.Select(e => e.EduType));
    }

    [Fact]
    public async Task Joined_servers_are_the_servers_of_joined_members_only()
    {
        using var dataSource = NpgsqlDataSource.Create(await WriterRoom.MigratedDatabaseAsync());
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("""
                INSERT INTO room_memberships (room_id, user_id, membership, event_id, stream_ordering) VALUES
                ('!r:test.local', '@a:test.local', 'join', '$1', 1),
                ('!r:test.local', '@b:test.local', 'join', '$2', 2),
                ('!r:test.local', '@c:other.test:8448', 'join', '$3', 3),
                ('!r:test.local', '@d:left.test', 'leave', '$4', 4),
                ('!r:test.local', '@e:invited.test', 'invite', '$5', 5),
                ('!s:test.local', '@f:elsewhere.test', 'join', '$6', 6)
                """);
        }

        var servers = await new JoinedServersReader(dataSource).GetJoinedServersAsync(RoomId.Parse("!r:test.local"),
            CancellationToken.None);
        Assert.Equal(["other.test:8448", "test.local"], servers.Select(s => s.Value).Order(StringComparer.Ordinal));
    }

    private static OutboundPdu Pdu(ServerName destination, long position) =>
        new(destination, position, "!r:test.local", "$e" + position);
}
