using Homeserver.Bridges.AppService;
using Homeserver.Bridges.AppService.Store;
using Homeserver.Bridges.Discord.Client;
using Homeserver.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Homeserver.Bridges.Discord.Tests.Bridge;

/// <summary>Custom emoji images remembered in the mapping store, read back by their mxc URI (real Postgres).</summary>
public sealed class CustomEmojiStoreTests : IAsyncLifetime
{
    private AppServiceDatabase _database = null!;
    private SqlMappingStore _mappings = null!;
    private CustomEmoji _emoji = null!;

    public async Task InitializeAsync()
    {
        _database = new AppServiceDatabase(await (await TestPostgres.SharedAsync()).CreateDatabaseAsync());
        await _database.MigrateAsync(CancellationToken.None);
        _mappings = new SqlMappingStore(_database.DataSource, TimeProvider.System);
        // Reading back needs only the store: nothing is fetched or uploaded here.
        _emoji = new CustomEmoji(null!, _mappings, null!, new DiscordSettings("token", DiscordSettings.DefaultApiBaseUrl),
            NullLogger<CustomEmoji>.Instance);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task An_emoji_image_maps_back_to_the_emoji_with_its_name_and_animation()
    {
        await _mappings.TryAddAsync(new Mapping(BridgeKinds.Emoji, "123", "blobcat", "mxc://hs/still", null), CancellationToken.None);
        await _mappings.TryAddAsync(new Mapping(BridgeKinds.Emoji, "456", "a:party", "mxc://hs/moving", null), CancellationToken.None);

        Assert.Equal(new DiscordCustomEmoji(new Snowflake(123), "blobcat", false), await _emoji.ByMxcAsync("mxc://hs/still", CancellationToken.None));
        var party = await _emoji.ByMxcAsync("mxc://hs/moving", CancellationToken.None);
        Assert.Equal(new DiscordCustomEmoji(new Snowflake(456), "party", true), party);
        Assert.Equal("<a:party:456>", party!.InlineForm);
        Assert.Equal("party:456", party.RouteForm);
        Assert.Null(await _emoji.ByMxcAsync("mxc://hs/other", CancellationToken.None));
        Assert.Null(await _emoji.ByMxcAsync("https://hs/still", CancellationToken.None));
    }

    [Fact]
    public async Task A_known_emoji_is_not_fetched_again()
    {
        await _mappings.TryAddAsync(new Mapping(BridgeKinds.Emoji, "789", "wave", "mxc://hs/wave", null), CancellationToken.None);

        Assert.Equal("mxc://hs/wave", await _emoji.MxcAsync(new DiscordCustomEmoji(new Snowflake(789), "wave", false), CancellationToken.None));
        Assert.Equal(new Dictionary<string, string> { ["789"] = "mxc://hs/wave" },
            await _emoji.InContentAsync("hi <:wave:789> <:wave:789>", CancellationToken.None));
    }

    [Theory]
    [InlineData("blob_cat2", "blob_cat2")]
    [InlineData("a", "emoji")]
    [InlineData("bad name", "emoji")]
    [InlineData(null, "emoji")]
    public void Emoji_names_are_kept_to_what_discord_allows(string? name, string expected)
    {
        Assert.Equal(expected, CustomEmoji.SafeName(name));
    }
}
