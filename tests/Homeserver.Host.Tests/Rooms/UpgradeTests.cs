using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using static Homeserver.Host.Tests.Support.RoomSteps;

namespace Homeserver.Host.Tests.Rooms;

/// <summary>POST /rooms/{roomId}/upgrade.</summary>
public sealed class UpgradeTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    private static Task<HttpResponseMessage> UpgradeAsync(TestSession session, string roomId, string? version) =>
        session.Client.PostAsJsonAsync($"/_matrix/client/v3/rooms/{Escape(roomId)}/upgrade",
            version is null ? new JsonObject() : new JsonObject { ["new_version"] = version });

    private static async Task<string> UpgradedAsync(TestSession session, string roomId, string version) =>
        (await MatrixAssert.OkAsync(await UpgradeAsync(session, roomId, version)))
        .GetProperty("replacement_room").GetString()!;

    private async Task<(TestSession Alice, TestSession Bob, string RoomId)> RoomAsync(string version)
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync(new JsonObject
        {
            ["preset"] = "public_chat", ["room_version"] = version, ["name"] = "Old name", ["topic"] = "Old topic",
        });
        await bob.JoinAsync(roomId);
        return (alice, bob, roomId);
    }

    [Fact]
    public async Task The_new_room_has_the_new_version_and_names_the_old_room_as_predecessor()
    {
        var (alice, _, roomId) = await RoomAsync("10");

        var newRoom = await UpgradedAsync(alice, roomId, "12");
        var create = await alice.GetStateAsync(newRoom, "m.room.create");

        Assert.NotEqual(roomId, newRoom);
        Assert.Equal("12", create.GetProperty("room_version").GetString());
        Assert.Equal(roomId, create.GetProperty("predecessor").GetProperty("room_id").GetString());
        Assert.StartsWith("$", create.GetProperty("predecessor").GetProperty("event_id").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Transferable_state_and_power_levels_are_copied_to_the_new_room()
    {
        var (alice, bob, roomId) = await RoomAsync("11");
        var levels = (JsonObject)JsonNode.Parse((await alice.GetStateAsync(roomId, "m.room.power_levels")).GetRawText())!;
        levels["users"]![bob.UserId] = 42;
        levels["events"]!["org.example.custom"] = 77;
        await alice.SetStateAsync(roomId, "m.room.power_levels", "", levels);
        await alice.SetStateAsync(roomId, "m.room.history_visibility", "", new JsonObject { ["history_visibility"] = "joined" });

        var newRoom = await UpgradedAsync(alice, roomId, "11");

        Assert.Equal("Old name", (await alice.GetStateAsync(newRoom, "m.room.name")).GetProperty("name").GetString());
        Assert.Equal("Old topic", (await alice.GetStateAsync(newRoom, "m.room.topic")).GetProperty("topic").GetString());
        Assert.Equal("public", (await alice.GetStateAsync(newRoom, "m.room.join_rules")).GetProperty("join_rule").GetString());
        Assert.Equal("joined", (await alice.GetStateAsync(newRoom, "m.room.history_visibility"))
            .GetProperty("history_visibility").GetString());
        var newLevels = await alice.GetStateAsync(newRoom, "m.room.power_levels");
        Assert.Equal(42, newLevels.GetProperty("users").GetProperty(bob.UserId).GetInt32());
        Assert.Equal(100, newLevels.GetProperty("users").GetProperty(alice.UserId).GetInt32());
        Assert.Equal(77, newLevels.GetProperty("events").GetProperty("org.example.custom").GetInt32());
    }

    [Fact]
    public async Task Creators_of_a_version_12_room_are_not_listed_in_its_power_levels()
    {
        var (alice, _, roomId) = await RoomAsync("10");

        var newRoom = await UpgradedAsync(alice, roomId, "12");
        var users = (await alice.GetStateAsync(newRoom, "m.room.power_levels")).GetProperty("users");

        Assert.False(users.TryGetProperty(alice.UserId, out _));
    }

    [Fact]
    public async Task The_old_room_gets_a_tombstone_and_ordinary_members_can_no_longer_speak_there()
    {
        var (alice, bob, roomId) = await RoomAsync("12");
        await bob.SendTextAsync(roomId, "before the upgrade");

        var newRoom = await UpgradedAsync(alice, roomId, "12");
        var tombstone = await alice.GetStateAsync(roomId, "m.room.tombstone");
        var oldLevels = await alice.GetStateAsync(roomId, "m.room.power_levels");

        Assert.Equal(newRoom, tombstone.GetProperty("replacement_room").GetString());
        Assert.Equal(50, oldLevels.GetProperty("events_default").GetInt32());
        Assert.Equal(50, oldLevels.GetProperty("invite").GetInt32());
        await MatrixAssert.ErrorAsync(await bob.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/rooms/{Escape(roomId)}/send/m.room.message/after", new JsonObject { ["body"] = "x" }),
            HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task A_member_without_power_to_send_a_tombstone_is_M_FORBIDDEN_and_nothing_changes()
    {
        var (_, bob, roomId) = await RoomAsync("12");

        await MatrixAssert.ErrorAsync(await UpgradeAsync(bob, roomId, "12"), HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await bob.Client.GetAsync(
            $"/_matrix/client/v3/rooms/{Escape(roomId)}/state/m.room.tombstone/"), HttpStatusCode.NotFound, "M_NOT_FOUND");
        Assert.Single((await bob.GetJsonAsync("/_matrix/client/v3/joined_rooms")).GetProperty("joined_rooms").EnumerateArray());
    }

    [Fact]
    public async Task A_user_outside_the_room_is_M_FORBIDDEN()
    {
        var (_, _, roomId) = await RoomAsync("12");
        var eve = await Server.RegisterAsync();

        await MatrixAssert.ErrorAsync(await UpgradeAsync(eve, roomId, "12"), HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task An_unknown_room_version_is_M_UNSUPPORTED_ROOM_VERSION()
    {
        var (alice, _, roomId) = await RoomAsync("12");

        await MatrixAssert.ErrorAsync(await UpgradeAsync(alice, roomId, "999"), HttpStatusCode.BadRequest,
            "M_UNSUPPORTED_ROOM_VERSION");
        await MatrixAssert.ErrorAsync(await UpgradeAsync(alice, roomId, null), HttpStatusCode.BadRequest, "M_BAD_JSON");
        Assert.Single((await alice.GetJsonAsync("/_matrix/client/v3/joined_rooms")).GetProperty("joined_rooms").EnumerateArray());
    }
}
