using Homeserver.Core.Identifiers;
using Homeserver.Services.Federation.Sending;
using Homeserver.Storage.Federation;
using Homeserver.Storage.Tests.Rooms;
using Npgsql;

namespace Homeserver.Storage.Tests.Federation;

/// <summary>The queue's totals for the metrics: over every destination, a transaction in flight counting as work.</summary>
public sealed class FederationQueueDepthReaderTests
{
    private static readonly ServerName Remote = ServerName.Parse("remote.test");
    private static readonly ServerName Other = ServerName.Parse("other.test:8448");
    private static readonly ServerName Idle = ServerName.Parse("idle.test");

    [Fact]
    public async Task Depths_total_every_destinations_pdus_and_edus_and_count_destinations_with_work()
    {
        using var dataSource = NpgsqlDataSource.Create(await WriterRoom.MigratedDatabaseAsync());
        var store = new FederationQueueStore(dataSource);
        var reader = new FederationQueueDepthReader(dataSource);
        Assert.Equal(new FederationQueueDepths(0, 0, 0), await reader.ReadAsync(CancellationToken.None));

        await store.EnqueuePdusAsync([Pdu(Remote, 1), Pdu(Remote, 2), Pdu(Other, 2)], CancellationToken.None);
        await store.EnqueueEduAsync([Remote, Other], "m.typing", "{}", CancellationToken.None);
        await store.EnqueuePdusAsync([Pdu(Idle, 3)], CancellationToken.None);
        var (pdus, _) = await store.ReadQueueAsync(Idle, 50, 100, CancellationToken.None);
        // Idle's only PDU goes into a transaction that is then delivered: the destination row stays, with no work.
        var sent = await store.SavePendingTransactionAsync(Idle, [], pdus.Select(p => p.Position).ToList(), [],
            DateTimeOffset.UnixEpoch, CancellationToken.None);
        Assert.Equal(new FederationQueueDepths(4, 2, 3), await reader.ReadAsync(CancellationToken.None));

        await store.CompleteTransactionAsync(Idle, sent, CancellationToken.None);
        Assert.Equal(new FederationQueueDepths(3, 2, 2), await reader.ReadAsync(CancellationToken.None));
    }

    private static OutboundPdu Pdu(ServerName destination, long position) =>
        new(destination, position, "!room:local.test", $"$event{position}");
}
