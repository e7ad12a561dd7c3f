using Homeserver.Core.Identifiers;
using Homeserver.Storage.Federation;
using Homeserver.Storage.Tests.Rooms;
using Homeserver.Testing;
using Npgsql;

namespace Homeserver.Storage.Tests.Federation;

/// <summary>The answers to received transactions (<c>received_transactions</c>): per origin and ID, kept a day.</summary>
public sealed class ReceivedTransactionStoreTests
{
    private static readonly ServerName A = ServerName.Parse("a.test");
    private static readonly ServerName B = ServerName.Parse("b.test");

    [Fact]
    public async Task An_answer_is_kept_per_origin_and_transaction_id_for_a_day_and_then_dropped()
    {
        await using var dataSource = NpgsqlDataSource.Create(await WriterRoom.MigratedDatabaseAsync());
        var clock = new ManualClock();
        var store = new ReceivedTransactionStore(dataSource, clock);
        var ct = CancellationToken.None;

        await store.SaveResponseAsync(A, "t1", """{"pdus":{}}""", ct);
        await store.SaveResponseAsync(A, "t1", """{"pdus":{"$other":{}}}""", ct);
        clock.Advance(ReceivedTransactionStore.Retention - TimeSpan.FromMinutes(1));
        await store.SaveResponseAsync(B, "t2", """{"pdus":{}}""", ct);

        Assert.Equal("""{"pdus":{}}""", await store.GetResponseAsync(A, "t1", ct));
        Assert.Null(await store.GetResponseAsync(B, "t1", ct));
        clock.Advance(TimeSpan.FromMinutes(2));
        await store.SaveResponseAsync(B, "t3", """{"pdus":{}}""", ct);
        Assert.Null(await store.GetResponseAsync(A, "t1", ct));
        Assert.NotNull(await store.GetResponseAsync(B, "t2", ct));
    }
}
