using System.Net;
using System.Text.Json;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Rooms;

/// <summary>History visibility on /messages and GET event: each rule of the spec, evaluated at each event.</summary>
public sealed class HistoryVisibilityTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task Shared_history_is_visible_to_a_user_who_joins_later()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var room = await alice.CreateRoomWithVisibilityAsync("shared");
        await alice.SendTextAsync(room, "before bob");

        await bob.JoinAsync(room);
        await alice.SendTextAsync(room, "after bob");

        Assert.Equal(["after bob", "before bob"], (await bob.MessagesAsync(room)).GetProperty("chunk").Bodies());
    }

    [Fact]
    public async Task Joined_history_hides_what_was_sent_before_the_user_joined()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var room = await alice.CreateRoomWithVisibilityAsync("joined");
        await alice.SendTextAsync(room, "before bob");

        await bob.JoinAsync(room);
        await alice.SendTextAsync(room, "after bob");

        Assert.Equal(["after bob"], (await bob.MessagesAsync(room)).GetProperty("chunk").Bodies());
    }

    [Fact]
    public async Task Invited_history_shows_events_from_the_invite_on_but_not_before()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var room = await alice.CreateRoomWithVisibilityAsync("invited", preset: "private_chat");
        await alice.SendTextAsync(room, "before invite");
        await alice.InviteAsync(room, bob.UserId);
        await alice.SendTextAsync(room, "while invited");

        await bob.JoinAsync(room);

        Assert.Equal(["while invited"], (await bob.MessagesAsync(room)).GetProperty("chunk").Bodies());
    }

    [Fact]
    public async Task A_user_who_left_sees_history_up_to_their_leave_but_nothing_after()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var room = await alice.CreateRoomWithVisibilityAsync("shared");
        await bob.JoinAsync(room);
        await alice.SendTextAsync(room, "while bob was here");
        await bob.LeaveAsync(room);

        await alice.SendTextAsync(room, "after bob left");

        Assert.Equal(["while bob was here"], (await bob.MessagesAsync(room)).GetProperty("chunk").Bodies());
    }

    [Fact]
    public async Task A_user_who_left_sees_their_own_leave_event_even_under_joined_visibility()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var room = await alice.CreateRoomWithVisibilityAsync("joined");
        await bob.JoinAsync(room);
        await bob.LeaveAsync(room);

        var chunk = (await bob.MessagesAsync(room)).GetProperty("chunk");

        Assert.Contains(chunk.EnumerateArray(), e => e.GetProperty("type").GetString() == "m.room.member" &&
            e.GetProperty("state_key").GetString() == bob.UserId &&
            e.GetProperty("content").GetProperty("membership").GetString() == "leave");
    }

    [Fact]
    public async Task World_readable_rooms_can_be_read_by_users_who_never_joined()
    {
        var alice = await Server.RegisterAsync();
        var stranger = await Server.RegisterAsync();
        var room = await alice.CreateRoomWithVisibilityAsync("world_readable");
        await alice.SendTextAsync(room, "hello world");

        Assert.Equal(["hello world"], (await stranger.MessagesAsync(room)).GetProperty("chunk").Bodies());
    }

    [Fact]
    public async Task Users_who_never_joined_a_shared_room_get_forbidden()
    {
        var alice = await Server.RegisterAsync();
        var stranger = await Server.RegisterAsync();
        var room = await alice.CreateRoomWithVisibilityAsync("shared");
        var eventId = await alice.SendTextAsync(room, "secret");

        await MatrixAssert.ErrorAsync(await stranger.GetRoomAsync(room, "messages?dir=b"), HttpStatusCode.Forbidden,
            "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await stranger.GetRoomAsync(room, $"event/{RoomSteps.Escape(eventId)}"),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Visibility_is_the_one_in_effect_at_each_event_not_the_current_one()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var room = await alice.CreateRoomWithVisibilityAsync("world_readable");
        await alice.SendTextAsync(room, "while world readable");
        await alice.SetVisibilityAsync(room, "joined");
        await alice.SendTextAsync(room, "while joined only");

        await bob.JoinAsync(room);

        Assert.Equal(["while world readable"], (await bob.MessagesAsync(room)).GetProperty("chunk").Bodies());
    }

    [Fact]
    public async Task A_history_visibility_change_is_visible_under_the_visibility_before_it()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var room = await alice.CreateRoomWithVisibilityAsync("world_readable");
        var change = await alice.SetVisibilityAsync(room, "joined");
        await bob.JoinAsync(room);

        var ids = (await bob.MessagesAsync(room)).GetProperty("chunk").EventIds();

        Assert.Contains(change, ids);
    }

    [Fact]
    public async Task Getting_an_event_the_user_may_not_see_is_not_found_and_a_visible_one_is_returned()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var room = await alice.CreateRoomWithVisibilityAsync("joined");
        var hidden = await alice.SendTextAsync(room, "before bob");
        await bob.JoinAsync(room);
        var shown = await alice.SendTextAsync(room, "after bob");

        await MatrixAssert.ErrorAsync(await bob.GetRoomAsync(room, $"event/{RoomSteps.Escape(hidden)}"),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
        var body = await MatrixAssert.OkAsync(await bob.GetRoomAsync(room, $"event/{RoomSteps.Escape(shown)}"));
        Assert.Equal("after bob", body.GetProperty("content").GetProperty("body").GetString());
    }

    [Fact]
    public async Task Replaced_state_carries_prev_content_and_prev_sender()
    {
        var alice = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync(new() { ["name"] = "first" });
        var renamed = await alice.SetStateAsync(room, "m.room.name", "", new() { ["name"] = "second" });

        var body = await MatrixAssert.OkAsync(await alice.GetRoomAsync(room, $"event/{RoomSteps.Escape(renamed)}"));

        var unsigned = body.GetProperty("unsigned");
        Assert.Equal("first", unsigned.GetProperty("prev_content").GetProperty("name").GetString());
        Assert.Equal(alice.UserId, unsigned.GetProperty("prev_sender").GetString());
    }

    internal static string Types(JsonElement chunk) =>
        string.Join(",", chunk.EnumerateArray().Select(e => e.GetProperty("type").GetString()));
}
