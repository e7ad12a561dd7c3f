using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Testing;

namespace Homeserver.Host.Tests.Bridges.Discord;

/// <summary>A Discord guild as a Matrix space (spec: Spaces): made on the first link, portals as its children, renamed
/// with the guild.</summary>
[Collection(DiscordBridgeGroup.Name)]
public sealed class GuildSpaceTests(DiscordBridgeFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Linking_made_the_guilds_space_with_the_portal_as_child_and_invited_the_linking_user()
    {
        var spaceId = await JoinSpaceAsync();

        var (_, state) = await fixture.Server.GetAsync($"/_matrix/client/v3/rooms/{spaceId}/state", fixture.Alice.AccessToken);
        var events = state.EnumerateArray().ToList();
        var create = events.Single(e => e.GetProperty("type").GetString() == "m.room.create");
        Assert.Equal("m.space", create.GetProperty("content").GetProperty("type").GetString());
        Assert.Equal("@_discord_bot:localhost", create.GetProperty("sender").GetString());
        var child = events.Single(e => e.GetProperty("type").GetString() == "m.space.child" &&
                                       e.GetProperty("state_key").GetString() == fixture.RoomId);
        Assert.Equal(["localhost"], child.GetProperty("content").GetProperty("via").EnumerateArray().Select(v => v.GetString()));
        // The portal is invite-only, so the space is too.
        Assert.Equal("invite", events.Single(e => e.GetProperty("type").GetString() == "m.room.join_rules")
            .GetProperty("content").GetProperty("join_rule").GetString());
    }

    [Fact]
    public async Task A_guild_update_renames_the_space_and_sets_its_icon()
    {
        var spaceId = await JoinSpaceAsync();

        await fixture.Discord.UpdateGuildAsync(name: "Renamed Guild", newIcon: true);

        await Eventually.HoldsAsync(async () => (await PortalRoom.StateOfAsync(fixture, spaceId, "m.room.name", "")) is { } name &&
                                                name.GetProperty("name").GetString() == "Renamed Guild", "the space renamed", Patience);
        await Eventually.HoldsAsync(async () => (await PortalRoom.StateOfAsync(fixture, spaceId, "m.room.avatar", "")) is { } avatar &&
                                                avatar.TryGetProperty("url", out var url) &&
                                                url.GetString()!.StartsWith("mxc://", StringComparison.Ordinal), "the space's icon", Patience);
    }

    [Fact]
    public async Task A_second_portal_joins_the_same_space_names_it_as_parent_when_the_bot_may_and_leaves_it_on_unlink()
    {
        var channelId = await fixture.Discord.AddChannelAsync("spaced");
        // The bot may send state here, so the portal also names the space as its canonical parent (Alice, the creator,
        // outranks everyone in room version 12 without a level).
        var room = await PortalRoom.CreateAsync(fixture, new JsonObject
        {
            ["power_level_content_override"] = new JsonObject { ["users"] = new JsonObject { ["@_discord_bot:localhost"] = 50 } },
        });
        Assert.StartsWith("Linked this room to #spaced", await room.CommandAsync("!discord link " + channelId), StringComparison.Ordinal);
        var spaceId = await JoinSpaceAsync();

        await Eventually.HoldsAsync(async () => await PortalRoom.StateOfAsync(fixture, spaceId, "m.space.child", room.RoomId) is { } child &&
                                                child.TryGetProperty("via", out _), "the second portal in the space", Patience);
        var parent = await room.StateAsync("m.space.parent", spaceId);
        Assert.True(parent?.GetProperty("canonical").GetBoolean());

        Assert.StartsWith("Unlinked", await room.CommandAsync("!discord unlink"), StringComparison.Ordinal);

        await Eventually.HoldsAsync(async () => await PortalRoom.StateOfAsync(fixture, spaceId, "m.space.child", room.RoomId) is { } child &&
                                                !child.EnumerateObject().Any(), "the child removed (empty content)", Patience);
        Assert.False((await room.StateAsync("m.space.parent", spaceId))?.EnumerateObject().Any());
        var fixtureChild = await PortalRoom.StateOfAsync(fixture, spaceId, "m.space.child", fixture.RoomId);
        Assert.True(fixtureChild?.TryGetProperty("via", out _));
    }

    /// <summary>Resolves the guild's space alias and joins it as Alice (she was invited when she linked); returns its ID.</summary>
    private async Task<string> JoinSpaceAsync()
    {
        var alias = $"#_discord_guild_{fixture.Discord.GuildId}:localhost";
        var (status, directory) = await fixture.Server.GetAsync($"/_matrix/client/v3/directory/room/{Uri.EscapeDataString(alias)}",
            fixture.Alice.AccessToken);
        Assert.True(status == HttpStatusCode.OK, directory.ToString());
        var spaceId = directory.GetProperty("room_id").GetString()!;
        var (joined, body) = await fixture.Server.PostAsync($"/_matrix/client/v3/join/{Uri.EscapeDataString(spaceId)}", new JsonObject(),
            fixture.Alice.AccessToken);
        Assert.True(joined == HttpStatusCode.OK, body.ToString());
        return spaceId;
    }
}
