using Homeserver.Bridges.AppService.Store;
using Homeserver.Bridges.AppService.Tests.Support;
using Homeserver.Testing;

namespace Homeserver.Bridges.AppService.Tests;

public sealed class PostgresStoreTests() : StoreTests(DatabaseDialect.Postgres);

public sealed class SqliteStoreTests() : StoreTests(DatabaseDialect.Sqlite);

/// <summary>The SDK's four stores, each run over Postgres and over a SQLite file.</summary>
public abstract class StoreTests(DatabaseDialect dialect)
{
    private readonly ManualClock _clock = new();

    [Fact]
    public async Task Mapping_is_found_both_ways_and_a_replay_is_refused()
    {
        await using var database = await MigratedAsync();
        var store = new SqlMappingStore(database.DataSource, _clock);

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
        var store = new SqlMappingStore(database.DataSource, _clock);
        await store.TryAddAsync(new Mapping("message", "d1", "1", "$file", "!r:x"), CancellationToken.None);
        await store.TryAddAsync(new Mapping("message", "d1", "0", "$text", null), CancellationToken.None);

        var parts = await store.FindByRemoteAsync("message", "d1", CancellationToken.None);
        Assert.Equal(["$text", "$file"], parts.Select(m => m.MatrixId));
        Assert.Null(parts[0].RoomId);
        Assert.Equal(2, await store.RemoveByRemoteAsync("message", "d1", CancellationToken.None));
        Assert.Empty(await store.FindByRemoteAsync("message", "d1", CancellationToken.None));
        Assert.False(await store.RemoveByMatrixAsync("message", "$text", CancellationToken.None));
    }

    [Fact]
    public async Task Mapping_removed_by_its_Matrix_ID_frees_the_remote_ID()
    {
        await using var database = await MigratedAsync();
        var store = new SqlMappingStore(database.DataSource, _clock);
        await store.TryAddAsync(new Mapping("channel", "c1", "", "!room:x", "!room:x"), CancellationToken.None);

        Assert.True(await store.RemoveByMatrixAsync("channel", "!room:x", CancellationToken.None));

        Assert.True(await store.TryAddAsync(new Mapping("channel", "c1", "", "!other:x", "!other:x"), CancellationToken.None));
    }

    [Fact]
    public async Task Ghost_registration_and_profile_are_remembered_and_a_cleared_name_reads_back_null()
    {
        await using var database = await MigratedAsync();
        var store = new SqlGhostStore(database.DataSource, _clock);

        Assert.False(await store.IsRegisteredAsync("@_x_a:example.org", CancellationToken.None));
        Assert.Null(await store.GetProfileAsync("@_x_a:example.org", CancellationToken.None));

        await store.SetDisplayNameAsync("@_x_a:example.org", "Alice", CancellationToken.None);
        Assert.False(await store.IsRegisteredAsync("@_x_a:example.org", CancellationToken.None));
        await store.MarkRegisteredAsync("@_x_a:example.org", CancellationToken.None);
        await store.MarkRegisteredAsync("@_x_a:example.org", CancellationToken.None);
        await store.SetAvatarUrlAsync("@_x_a:example.org", "mxc://example.org/a", CancellationToken.None);

        Assert.True(await store.IsRegisteredAsync("@_x_a:example.org", CancellationToken.None));
        Assert.Equal(new GhostProfile("Alice", "mxc://example.org/a"), await store.GetProfileAsync("@_x_a:example.org", CancellationToken.None));

        await store.SetDisplayNameAsync("@_x_a:example.org", null, CancellationToken.None);
        Assert.Equal(new GhostProfile(null, "mxc://example.org/a"), await store.GetProfileAsync("@_x_a:example.org", CancellationToken.None));
    }

    [Fact]
    public async Task Membership_is_per_room_and_user_and_replaced_in_place()
    {
        await using var database = await MigratedAsync();
        var store = new SqlMembershipStore(database.DataSource);

        await store.SetMembershipAsync("!a:x", "@u:x", "invite", CancellationToken.None);
        await store.SetMembershipAsync("!a:x", "@u:x", "join", CancellationToken.None);
        await store.SetMembershipAsync("!b:x", "@u:x", "leave", CancellationToken.None);

        Assert.Equal("join", await store.GetMembershipAsync("!a:x", "@u:x", CancellationToken.None));
        Assert.Equal("leave", await store.GetMembershipAsync("!b:x", "@u:x", CancellationToken.None));
        Assert.Null(await store.GetMembershipAsync("!a:x", "@v:x", CancellationToken.None));
    }

    [Fact]
    public async Task Transaction_progress_survives_closing_and_reopening_the_database()
    {
        var settings = await TestDatabases.NewAsync(dialect);
        await using (var first = await MigratedAsync(settings))
        {
            var log = new SqlTransactionLog(first.DataSource, _clock);
            Assert.Equal(new TransactionProgress(0, false), await log.StartAsync("t1", CancellationToken.None));
            await log.RecordProgressAsync("t1", 2, CancellationToken.None);
            await log.StartAsync("t2", CancellationToken.None);
            await log.CompleteAsync("t2", CancellationToken.None);
        }

        await using var reopened = await MigratedAsync(settings);
        var again = new SqlTransactionLog(reopened.DataSource, _clock);

        Assert.Equal(new TransactionProgress(2, false), await again.StartAsync("t1", CancellationToken.None));
        Assert.Equal(new TransactionProgress(0, true), await again.StartAsync("t2", CancellationToken.None));
    }

    [Fact]
    public async Task Pruning_forgets_only_completed_transactions_received_before_the_cutoff()
    {
        await using var database = await MigratedAsync();
        var log = new SqlTransactionLog(database.DataSource, _clock);
        await log.StartAsync("old-done", CancellationToken.None);
        await log.CompleteAsync("old-done", CancellationToken.None);
        await log.StartAsync("old-open", CancellationToken.None);
        _clock.Advance(TimeSpan.FromHours(2));
        await log.StartAsync("new-done", CancellationToken.None);
        await log.CompleteAsync("new-done", CancellationToken.None);

        Assert.Equal(1, await log.PruneAsync(_clock.GetUtcNow() - TimeSpan.FromHours(1), CancellationToken.None));

        Assert.Equal(new TransactionProgress(0, false), await log.StartAsync("old-done", CancellationToken.None));
        Assert.Equal(new TransactionProgress(0, false), await log.StartAsync("old-open", CancellationToken.None));
        Assert.Equal(new TransactionProgress(0, true), await log.StartAsync("new-done", CancellationToken.None));
    }

    private async Task<AppServiceDatabase> MigratedAsync(AppServiceDatabaseSettings? settings = null)
    {
        var database = AppServiceDatabase.Open(settings ?? await TestDatabases.NewAsync(dialect));
        await database.MigrateAsync(CancellationToken.None);
        return database;
    }
}
