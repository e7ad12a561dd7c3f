using Homeserver.Bridges.AppService;
using Homeserver.Bridges.Discord.Store;
using Homeserver.Testing;

namespace Homeserver.Bridges.Discord.Tests.Bridge;

/// <summary>The bridge's portal table on real Postgres, beside the SDK's tables.</summary>
public sealed class BridgeStoreTests : IAsyncLifetime
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
    public async Task A_portal_is_found_by_room_and_by_channel()
    {
        var portal = new Portal("!room:hs", "123", "9", "77", "token", "@alice:hs");

        Assert.True(await _portals.TryAddAsync(portal, CancellationToken.None));

        Assert.Equal(portal, await _portals.ByRoomAsync("!room:hs", CancellationToken.None));
        Assert.Equal(portal, await _portals.ByChannelAsync("123", CancellationToken.None));
    }

    [Fact]
    public async Task A_room_or_a_channel_links_only_once()
    {
        Assert.True(await _portals.TryAddAsync(new Portal("!a:hs", "1", null, "w", "t", "@alice:hs"), CancellationToken.None));

        Assert.False(await _portals.TryAddAsync(new Portal("!a:hs", "2", null, "w", "t", "@alice:hs"), CancellationToken.None));
        Assert.False(await _portals.TryAddAsync(new Portal("!b:hs", "1", null, "w", "t", "@alice:hs"), CancellationToken.None));
        Assert.Null(await _portals.ByChannelAsync("2", CancellationToken.None));
    }

    [Fact]
    public async Task Unlinking_removes_the_portal_and_frees_the_channel()
    {
        await _portals.TryAddAsync(new Portal("!c:hs", "3", null, "w", "t", "@alice:hs"), CancellationToken.None);

        Assert.True(await _portals.RemoveAsync("!c:hs", CancellationToken.None));

        Assert.Null(await _portals.ByRoomAsync("!c:hs", CancellationToken.None));
        Assert.True(await _portals.TryAddAsync(new Portal("!d:hs", "3", null, "w", "t", "@alice:hs"), CancellationToken.None));
    }

    [Fact]
    public async Task Migrating_again_applies_nothing()
    {
        Assert.Empty(await PortalStore.Migrator(_database.DataSource).ApplyAsync(CancellationToken.None));
    }

    [Fact]
    public void The_registration_has_the_discord_namespaces_and_sender()
    {
        var registration = DiscordBridgeApp.NewRegistration("example.org", "http://127.0.0.1:29330");

        Assert.Equal("_discord_bot", registration.SenderLocalpart);
        Assert.True(registration.IsInUserNamespace("@_discord_1234:example.org"));
        Assert.False(registration.IsInUserNamespace("@alice:example.org"));
        Assert.Equal(@"#_discord_.*:example\.org", Assert.Single(registration.Aliases).Regex);
        Assert.NotEqual(registration.AsToken, registration.HsToken);
    }
}
