using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Rooms;

public sealed class CreateRoomTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task A_default_room_is_version_12_with_a_room_id_derived_from_its_create_event()
    {
        var alice = await Server.RegisterAsync();

        var roomId = await alice.CreateRoomAsync();

        Assert.Matches("^![A-Za-z0-9_-]{43}$", roomId);
        var create = await alice.GetStateAsync(roomId, "m.room.create");
        Assert.Equal("12", create.GetProperty("room_version").GetString());
        Assert.False(create.TryGetProperty("creator", out _));
        var member = await alice.GetStateAsync(roomId, "m.room.member", alice.UserId);
        Assert.Equal("join", member.GetProperty("membership").GetString());
        var powerLevels = await alice.GetStateAsync(roomId, "m.room.power_levels");
        Assert.False(powerLevels.GetProperty("users").TryGetProperty(alice.UserId, out _));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("6")]
    [InlineData("10")]
    [InlineData("11")]
    public async Task Older_room_versions_get_server_room_ids_and_list_the_creator_in_power_levels(string version)
    {
        var alice = await Server.RegisterAsync();

        var roomId = await alice.CreateRoomAsync(new JsonObject { ["room_version"] = version });

        Assert.Matches("^![A-Za-z]+:", roomId);
        Assert.Equal(version, (await alice.GetStateAsync(roomId, "m.room.create")).GetProperty("room_version").GetString());
        Assert.Equal(100, (await alice.GetStateAsync(roomId, "m.room.power_levels")).GetProperty("users")
            .GetProperty(alice.UserId).GetInt32());
        Assert.NotEmpty(await alice.SendTextAsync(roomId, "hello"));
    }

    [Fact]
    public async Task An_unknown_room_version_is_400_M_UNSUPPORTED_ROOM_VERSION()
    {
        var alice = await Server.RegisterAsync();

        var response = await alice.Client.PostAsJsonAsync("/_matrix/client/v3/createRoom",
            new JsonObject { ["room_version"] = "99" });

        await MatrixAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "M_UNSUPPORTED_ROOM_VERSION");
    }

    [Fact]
    public async Task Presets_set_join_rules_history_visibility_and_guest_access()
    {
        var alice = await Server.RegisterAsync();

        var publicRoom = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        var privateRoom = await alice.CreateRoomAsync(new JsonObject { ["visibility"] = "private" });

        Assert.Equal("public", (await alice.GetStateAsync(publicRoom, "m.room.join_rules")).GetProperty("join_rule").GetString());
        Assert.Equal("forbidden", (await alice.GetStateAsync(publicRoom, "m.room.guest_access")).GetProperty("guest_access").GetString());
        Assert.Equal("invite", (await alice.GetStateAsync(privateRoom, "m.room.join_rules")).GetProperty("join_rule").GetString());
        Assert.Equal("can_join", (await alice.GetStateAsync(privateRoom, "m.room.guest_access")).GetProperty("guest_access").GetString());
        Assert.Equal("shared", (await alice.GetStateAsync(privateRoom, "m.room.history_visibility"))
            .GetProperty("history_visibility").GetString());
    }

    [Fact]
    public async Task Name_topic_initial_state_invites_and_overrides_are_applied()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();

        var roomId = await alice.CreateRoomAsync(new JsonObject
        {
            ["name"] = "The room",
            ["topic"] = "Things",
            ["invite"] = new JsonArray(bob.UserId),
            ["is_direct"] = true,
            ["initial_state"] = new JsonArray(new JsonObject
            {
                ["type"] = "m.room.avatar", ["state_key"] = "", ["content"] = new JsonObject { ["url"] = "mxc://a/b" },
            }),
            ["power_level_content_override"] = new JsonObject { ["events_default"] = 10 },
            ["creation_content"] = new JsonObject { ["type"] = "m.space" },
        });

        Assert.Equal("The room", (await alice.GetStateAsync(roomId, "m.room.name")).GetProperty("name").GetString());
        Assert.Equal("Things", (await alice.GetStateAsync(roomId, "m.room.topic")).GetProperty("topic").GetString());
        Assert.Equal("mxc://a/b", (await alice.GetStateAsync(roomId, "m.room.avatar")).GetProperty("url").GetString());
        Assert.Equal(10, (await alice.GetStateAsync(roomId, "m.room.power_levels")).GetProperty("events_default").GetInt32());
        Assert.Equal("m.space", (await alice.GetStateAsync(roomId, "m.room.create")).GetProperty("type").GetString());
        var invite = await alice.GetStateAsync(roomId, "m.room.member", bob.UserId);
        Assert.Equal("invite", invite.GetProperty("membership").GetString());
        Assert.True(invite.GetProperty("is_direct").GetBoolean());
        await MatrixAssert.OkAsync(await bob.PostRoomAsync(roomId, "join"));
    }

    [Fact]
    public async Task Trusted_private_chat_makes_invitees_additional_creators_in_version_12()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();

        var roomId = await alice.CreateRoomAsync(new JsonObject
        {
            ["preset"] = "trusted_private_chat", ["invite"] = new JsonArray(bob.UserId),
        });

        var creators = (await alice.GetStateAsync(roomId, "m.room.create")).GetProperty("additional_creators");
        Assert.Equal(bob.UserId, creators[0].GetString());
    }

    [Fact]
    public async Task A_rejected_initial_state_creates_nothing()
    {
        var alice = await Server.RegisterAsync();

        var response = await alice.Client.PostAsJsonAsync("/_matrix/client/v3/createRoom", new JsonObject
        {
            // Version 10 creators have power 100 (not unbounded as in 12): the join rules after these power
            // levels are refused, and with them the whole room.
            ["room_version"] = "10",
            ["power_level_content_override"] = new JsonObject { ["state_default"] = 1000 },
        });

        await MatrixAssert.ErrorAsync(response, HttpStatusCode.Forbidden, "M_FORBIDDEN");
        var joined = await MatrixAssert.OkAsync(await alice.Client.GetAsync("/_matrix/client/v3/joined_rooms"));
        Assert.Equal(0, joined.GetProperty("joined_rooms").GetArrayLength());
    }

    [Fact]
    public async Task Creating_a_room_needs_an_access_token()
    {
        var response = await Server.Anonymous.PostAsJsonAsync("/_matrix/client/v3/createRoom", new JsonObject());

        await MatrixAssert.ErrorAsync(response, HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
    }
}
