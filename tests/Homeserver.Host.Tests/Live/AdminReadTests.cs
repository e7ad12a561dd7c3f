using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using Homeserver.Host.Tests.Sync;

namespace Homeserver.Host.Tests.Live;

/// <summary>
/// Hidden admin presence (docs/LIVE.md, "Access"): a server admin reads a public or world_readable room's history,
/// state and members without a membership event, and members see nothing of it; invite-only private rooms stay closed.
/// </summary>
public sealed class AdminReadTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task An_admin_reads_every_read_path_of_a_public_room_without_joining_it()
    {
        var alice = await Server.RegisterAsync();
        var admin = await Server.RegisterAdminAsync();
        var room = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat", ["name"] = "Main stage" });
        var message = await alice.SendTextAsync(room, "the show starts");
        await alice.ReactAsync(room, message, "🎶");

        Assert.Equal(["the show starts"], (await admin.MessagesAsync(room)).GetProperty("chunk").Bodies());
        var context = await admin.GetJsonAsync($"/_matrix/client/v3/rooms/{RoomSteps.Escape(room)}/context/{RoomSteps.Escape(message)}");
        Assert.Equal(message, context.GetProperty("event").GetProperty("event_id").GetString());
        Assert.Equal(message, (await admin.GetEventAsync(room, message)).GetProperty("event_id").GetString());
        Assert.Contains((await admin.GetJsonAsync($"/_matrix/client/v3/rooms/{RoomSteps.Escape(room)}/state"))
            .EnumerateArray(), e => e.GetProperty("type").GetString() == "m.room.name");
        Assert.Equal("Main stage", (await admin.GetStateAsync(room, "m.room.name", "")).GetProperty("name").GetString());
        Assert.Equal([alice.UserId], MemberIds(await admin.GetJsonAsync(
            $"/_matrix/client/v3/rooms/{RoomSteps.Escape(room)}/members")));
        var joined = await admin.GetJsonAsync($"/_matrix/client/v3/rooms/{RoomSteps.Escape(room)}/joined_members");
        Assert.Equal([alice.UserId], joined.GetProperty("joined").EnumerateObject().Select(p => p.Name).ToList());
        var initial = await admin.GetJsonAsync($"/_matrix/client/v3/rooms/{RoomSteps.Escape(room)}/initialSync");
        Assert.Contains("the show starts", initial.GetProperty("messages").GetProperty("chunk").Bodies());
        var relations = await admin.GetJsonAsync(
            $"/_matrix/client/v1/rooms/{RoomSteps.Escape(room)}/relations/{RoomSteps.Escape(message)}");
        Assert.Single(relations.GetProperty("chunk").EnumerateArray());
    }

    [Fact]
    public async Task An_admin_reading_leaves_no_trace_members_can_see()
    {
        var alice = await Server.RegisterAsync();
        var admin = await Server.RegisterAdminAsync();
        var room = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        var message = await alice.SendTextAsync(room, "before the admin looked");
        var since = (await alice.SyncAsync()).NextBatch();

        await admin.MessagesAsync(room);
        await admin.GetJsonAsync($"/_matrix/client/v3/rooms/{RoomSteps.Escape(room)}/members");
        await admin.GetEventAsync(room, message);
        await alice.SendTextAsync(room, "after");

        var sync = await alice.SyncAsync(since);
        var timeline = sync.Room("join", room)!.Value.Timeline();
        Assert.All(timeline.EnumerateArray(), e => Assert.Equal(alice.UserId, e.GetProperty("sender").GetString()));
        Assert.Equal([alice.UserId], MemberIds(await alice.GetJsonAsync(
            $"/_matrix/client/v3/rooms/{RoomSteps.Escape(room)}/members")));
        await MatrixAssert.ErrorAsync(await alice.GetRoomAsync(room, "state/m.room.member/" + RoomSteps.Escape(admin.UserId)),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
        Assert.DoesNotContain(room, (await admin.GetJsonAsync("/_matrix/client/v3/joined_rooms"))
            .GetProperty("joined_rooms").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task An_admin_sees_the_whole_history_of_a_public_room_whose_history_is_for_joined_members_only()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var admin = await Server.RegisterAdminAsync();
        var room = await alice.CreateRoomWithVisibilityAsync("joined", preset: "public_chat");
        await alice.SendTextAsync(room, "early");
        await alice.SendTextAsync(room, "later");

        Assert.Equal(["later", "early"], (await admin.MessagesAsync(room)).GetProperty("chunk").Bodies());
        await MatrixAssert.ErrorAsync(await bob.GetRoomAsync(room, "messages?dir=b"), HttpStatusCode.Forbidden,
            "M_FORBIDDEN");
    }

    [Fact]
    public async Task An_admin_reads_a_world_readable_invite_only_room_in_full()
    {
        var alice = await Server.RegisterAsync();
        var admin = await Server.RegisterAdminAsync();
        var room = await alice.CreateRoomWithVisibilityAsync("shared", preset: "private_chat");
        await alice.SendTextAsync(room, "shared before");
        await alice.SetVisibilityAsync(room, "world_readable");
        await alice.SendTextAsync(room, "readable after");

        Assert.Equal(["readable after", "shared before"],
            (await admin.MessagesAsync(room)).GetProperty("chunk").Bodies());
    }

    [Fact]
    public async Task An_admin_may_not_read_an_invite_only_room_that_is_not_world_readable()
    {
        var alice = await Server.RegisterAsync();
        var admin = await Server.RegisterAdminAsync();
        var room = await alice.CreateRoomWithVisibilityAsync("shared", preset: "private_chat");
        var message = await alice.SendTextAsync(room, "private");

        await MatrixAssert.ErrorAsync(await admin.GetRoomAsync(room, "messages?dir=b"), HttpStatusCode.Forbidden,
            "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await admin.GetRoomAsync(room, "state"), HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await admin.GetRoomAsync(room, "members"), HttpStatusCode.Forbidden,
            "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await admin.GetRoomAsync(room, "event/" + RoomSteps.Escape(message)),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task A_user_who_is_not_an_admin_may_not_read_a_public_room_without_joining()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        await alice.SendTextAsync(room, "members only");

        await MatrixAssert.ErrorAsync(await bob.GetRoomAsync(room, "messages?dir=b"), HttpStatusCode.Forbidden,
            "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await bob.GetRoomAsync(room, "members"), HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    private static List<string> MemberIds(JsonElement members) =>
        members.GetProperty("chunk").EnumerateArray().Select(m => m.GetProperty("state_key").GetString()!).ToList();
}
