using Homeserver.Bridges.AppService.Store;
using Homeserver.Testing;

namespace Homeserver.Bridges.AppService.Tests;

public sealed class StoreTests
{
    [Fact]
    public async Task Migrations_apply_once_and_again_do_nothing()
    {
        await using var database = new AppServiceDatabase(await TransactionEndpointTests.NewDatabaseAsync());
        var migrator = SchemaMigrator.ForAppServiceStore(database.DataSource);

        Assert.Equal([1], await migrator.ApplyAsync(CancellationToken.None));
        Assert.Empty(await migrator.ApplyAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Mapping_is_found_both_ways_and_a_replay_is_refused()
    {
        await using var database = await MigratedAsync();
        var store = new PostgresMappingStore(database.DataSource, new ManualClock());

        Assert.True(await store.TryAddAsync(new Mapping("message", "d1", "", "$m1", "!r:x"), CancellationToken.None));
        Assert.False(await store.TryAddAsync(new Mapping("message", "d1", "", "$other", "!r:x"), CancellationToken.None));
        Assert.False(await store.TryAddAsync(new Mapping("message", "d2", "", "$m1", "!r:x"), CancellationToken.None));

        Assert.Equal([new Mapping("message", "d1", "", "$m1", "!r:x")], await store.FindByRemoteAsync("message", "d1", CancellationToken.None));
        Assert.Equal("d1", (await store.FindByMatrixAsync("message", "$m1", CancellationToken.None))!.RemoteId);
        Assert.Null(await store.FindByMatrixAsync("channel", "$m1", CancellationToken.None));
    }

    [Fact]
    public async Task Parts_of_one_remote_message_come_back_in_part_order_and_go_together()
    {
        await using var database = await MigratedAsync();
        var store = new PostgresMappingStore(database.DataSource, new ManualClock());
        await store.TryAddAsync(new Mapping("message", "d1", "1", "$file", "!r:x"), CancellationToken.None);
        await store.TryAddAsync(new Mapping("message", "d1", "0", "$text", "!r:x"), CancellationToken.None);

        Assert.Equal(["$text", "$file"], (await store.FindByRemoteAsync("message", "d1", CancellationToken.None)).Select(m => m.MatrixId));
        Assert.Equal(2, await store.RemoveByRemoteAsync("message", "d1", CancellationToken.None));
        Assert.Empty(await store.FindByRemoteAsync("message", "d1", CancellationToken.None));
        Assert.False(await store.RemoveByMatrixAsync("message", "$text", CancellationToken.None));
    }

    private static async Task<AppServiceDatabase> MigratedAsync()
    {
        var database = new AppServiceDatabase(await TransactionEndpointTests.NewDatabaseAsync());
        await database.MigrateAsync(CancellationToken.None);
        return database;
    }
}
