using Homeserver.Bridges.AppService;
using Homeserver.Bridges.Discord.Store;
using Homeserver.Testing;

namespace Homeserver.Bridges.Discord.Tests.Bridge;

/// <summary>The bridge's space, thread and history tables on real Postgres (migration 0002 over 0001).</summary>
public sealed class HistoryAndThreadStoreTests : IAsyncLifetime
{
    private AppServiceDatabase _database = null!;
    private PortalStore _portals = null!;

    public async Task InitializeAsync()
    {
        _database = new AppServiceDatabase(await (await TestPostgres.SharedAsync()).CreateDatabaseAsync());
        await _database.MigrateAsync(CancellationToken.None);
        await PortalStore.Migrator(_database.DataSource).ApplyAsync(CancellationToken.None);
        _portals = PortalStore.Over(_database.DataSource, TimeProvider.System);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task The_last_bridged_message_only_moves_forward()
    {
        var history = HistoryStore.Over(_database.DataSource);
        await _portals.TryAddAsync(new Portal("!h:hs", "500", "9", "w", "t", "@alice:hs"), CancellationToken.None);
        Assert.Null(Assert.Single(await history.ListAsync(CancellationToken.None)).LastMessageId);

        await history.NoteBridgedAsync("500", 1_000_000_000_000_000_002, CancellationToken.None);
        await history.NoteBridgedAsync("500", 1_000_000_000_000_000_001, CancellationToken.None);

        var progress = Assert.Single(await history.ListAsync(CancellationToken.None));
        Assert.Equal(1_000_000_000_000_000_002, progress.LastMessageId);
        Assert.Equal("!h:hs", progress.RoomId);
    }

    [Fact]
    public async Task A_thread_root_is_set_once_and_found_by_root()
    {
        var threads = ThreadStore.Over(_database.DataSource);
        await threads.UpsertAsync("77", "500", "Topic", CancellationToken.None);

        Assert.True(await threads.TrySetRootAsync("77", "$root", CancellationToken.None));
        Assert.False(await threads.TrySetRootAsync("77", "$other", CancellationToken.None));
        await threads.UpsertAsync("77", "500", "Renamed", CancellationToken.None);
        await threads.SetLatestAsync("77", "$latest", CancellationToken.None);

        Assert.Equal(new BridgedThread("77", "500", "Renamed", "$root", "$latest"), await threads.ByRootAsync("$root", CancellationToken.None));
    }

    [Fact]
    public async Task A_threads_last_bridged_message_only_moves_forward()
    {
        var threads = ThreadStore.Over(_database.DataSource);
        await threads.UpsertAsync("79", "500", null, CancellationToken.None);

        await threads.NoteBridgedAsync("79", 1_000_000_000_000_000_009, CancellationToken.None);
        await threads.NoteBridgedAsync("79", 1_000_000_000_000_000_008, CancellationToken.None);

        Assert.Contains(new ThreadProgress("79", "500", 1_000_000_000_000_000_009), await threads.ProgressAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Deleting_a_thread_forgets_its_messages()
    {
        var threads = ThreadStore.Over(_database.DataSource);
        await threads.UpsertAsync("78", "500", null, CancellationToken.None);
        await threads.AddMessageAsync("1001", "78", CancellationToken.None);
        Assert.Equal("78", await threads.ThreadOfMessageAsync("1001", CancellationToken.None));

        await threads.RemoveAsync("78", CancellationToken.None);

        Assert.Null(await threads.ThreadOfMessageAsync("1001", CancellationToken.None));
        Assert.Null(await threads.ByIdAsync("78", CancellationToken.None));
    }

    [Fact]
    public async Task A_guild_has_one_space_whose_name_and_icon_are_kept()
    {
        var spaces = SpaceStore.Over(_database.DataSource, TimeProvider.System);

        Assert.True(await spaces.TryAddAsync(new GuildSpace("9", "!space:hs", "Guild", null), CancellationToken.None));
        Assert.False(await spaces.TryAddAsync(new GuildSpace("9", "!other:hs", "Guild", null), CancellationToken.None));
        await spaces.UpdateAsync(new GuildSpace("9", "!space:hs", "Renamed", "abc"), CancellationToken.None);

        Assert.Equal(new GuildSpace("9", "!space:hs", "Renamed", "abc"), await spaces.ByGuildAsync("9", CancellationToken.None));
    }
}

/// <summary>The same tables on SQLite (the bridge's store when no Postgres is configured).</summary>
public sealed class SqliteBridgeStoreTests
{
    [Fact]
    public async Task Threads_spaces_and_history_work_on_sqlite_too()
    {
        using var files = new TempDirectory();
        await using var database = AppServiceDatabase.Sqlite(Path.Combine(files.Path, "bridge.db"));
        await database.MigrateAsync(CancellationToken.None);
        await PortalStore.Migrator(database.DataSource).ApplyAsync(CancellationToken.None);
        var portals = PortalStore.Over(database.DataSource, TimeProvider.System);
        var threads = ThreadStore.Over(database.DataSource);
        var history = HistoryStore.Over(database.DataSource);
        var spaces = SpaceStore.Over(database.DataSource, TimeProvider.System);

        await portals.TryAddAsync(new Portal("!s:hs", "600", "9", "w", "t", "@alice:hs"), CancellationToken.None);
        await history.NoteBridgedAsync("600", 1_000_000_000_000_000_003, CancellationToken.None);
        await threads.UpsertAsync("80", "600", "Topic", CancellationToken.None);
        await threads.UpsertAsync("80", "600", null, CancellationToken.None);
        await threads.TrySetRootAsync("80", "$root", CancellationToken.None);
        await threads.NoteBridgedAsync("80", 1_000_000_000_000_000_004, CancellationToken.None);
        await spaces.TryAddAsync(new GuildSpace("9", "!space:hs", "Guild", null), CancellationToken.None);

        Assert.Equal(1_000_000_000_000_000_003, Assert.Single(await history.ListAsync(CancellationToken.None)).LastMessageId);
        Assert.Equal("Topic", (await threads.ByRootAsync("$root", CancellationToken.None))?.Name);
        Assert.Equal(new ThreadProgress("80", "600", 1_000_000_000_000_000_004), Assert.Single(await threads.ProgressAsync(CancellationToken.None)));
        Assert.Equal("!space:hs", (await spaces.ByGuildAsync("9", CancellationToken.None))?.RoomId);
    }
}
