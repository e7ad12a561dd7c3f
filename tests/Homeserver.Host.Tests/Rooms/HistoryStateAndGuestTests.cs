using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Rooms;

/// <summary>Who may read a room's state and members (current, or as of a leave), and guest access.</summary>
public sealed class HistoryStateAndGuestTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task A_user_who_left_sees_the_state_as_it_was_when_they_left()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync(new() { ["preset"] = "public_chat", ["name"] = "old name" });
        await bob.JoinAsync(room);
        await bob.LeaveAsync(room);
        await alice.SetStateAsync(room, "m.room.name", "", new() { ["name"] = "new name" });

        var name = await MatrixAssert.OkAsync(await bob.GetRoomAsync(room, "state/m.room.name/"));
        var state = await MatrixAssert.OkAsync(await bob.GetRoomAsync(room, "state"));
        var aliceName = await MatrixAssert.OkAsync(await alice.GetRoomAsync(room, "state/m.room.name/"));

        Assert.Equal("old name", name.GetProperty("name").GetString());
        Assert.Contains(state.EnumerateArray(), e => e.GetProperty("type").GetString() == "m.room.name" &&
            e.GetProperty("content").GetProperty("name").GetString() == "old name");
        Assert.Equal("new name", aliceName.GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_user_who_left_sees_the_members_as_they_were_when_they_left()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var carol = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync(new() { ["preset"] = "public_chat" });
        await bob.JoinAsync(room);
        await bob.LeaveAsync(room);
        await carol.JoinAsync(room);

        var members = (await MatrixAssert.OkAsync(await bob.GetRoomAsync(room, "members"))).GetProperty("chunk");

        var userIds = members.EnumerateArray().Select(m => m.GetProperty("state_key").GetString()).ToList();
        Assert.Contains(bob.UserId, userIds);
        Assert.DoesNotContain(carol.UserId, userIds);
    }

    [Fact]
    public async Task State_and_members_of_a_room_that_is_not_world_readable_are_forbidden_to_non_members()
    {
        var alice = await Server.RegisterAsync();
        var stranger = await Server.RegisterAsync();
        var room = await alice.CreateRoomWithVisibilityAsync("shared");

        foreach (var path in new[] { "state", "state/m.room.create/", "members", "joined_members" })
        {
            await MatrixAssert.ErrorAsync(await stranger.GetRoomAsync(room, path), HttpStatusCode.Forbidden, "M_FORBIDDEN");
        }
    }

    [Fact]
    public async Task Anyone_may_read_the_current_state_and_members_of_a_world_readable_room()
    {
        var alice = await Server.RegisterAsync();
        var stranger = await Server.RegisterAsync();
        var room = await alice.CreateRoomWithVisibilityAsync("world_readable");

        foreach (var path in new[] { "state", "state/m.room.create/", "members", "joined_members" })
        {
            await MatrixAssert.OkAsync(await stranger.GetRoomAsync(room, path));
        }
    }

    [Fact]
    public async Task Joined_members_is_forbidden_to_a_user_who_left_a_room_that_is_not_world_readable()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var room = await alice.CreateRoomWithVisibilityAsync("shared");
        await bob.JoinAsync(room);
        await MatrixAssert.OkAsync(await bob.GetRoomAsync(room, "joined_members"));
        await bob.LeaveAsync(room);

        await MatrixAssert.ErrorAsync(await bob.GetRoomAsync(room, "joined_members"), HttpStatusCode.Forbidden,
            "M_FORBIDDEN");
    }

    [Fact]
    public async Task Guests_may_read_a_world_readable_room_without_joining()
    {
        var alice = await Server.RegisterAsync();
        var guest = await Server.RegisterGuestAsync();
        var room = await alice.CreateRoomWithVisibilityAsync("world_readable");
        await alice.SendTextAsync(room, "for everyone");

        Assert.Equal(["for everyone"], (await guest.MessagesAsync(room)).GetProperty("chunk").Bodies());
    }

    [Fact]
    public async Task Guests_may_not_read_a_shared_room_they_have_not_joined()
    {
        var alice = await Server.RegisterAsync();
        var guest = await Server.RegisterGuestAsync();
        var room = await alice.CreateRoomWithVisibilityAsync("shared", guestAccess: "can_join");

        await MatrixAssert.ErrorAsync(await guest.GetRoomAsync(room, "messages?dir=b"), HttpStatusCode.Forbidden,
            "M_FORBIDDEN");
    }

    [Fact]
    public async Task Guests_may_not_join_a_room_without_guest_access_can_join()
    {
        var alice = await Server.RegisterAsync();
        var guest = await Server.RegisterGuestAsync();
        var room = await alice.CreateRoomWithVisibilityAsync("shared", guestAccess: "forbidden");

        await MatrixAssert.ErrorAsync(await guest.TryJoinAsync(room), HttpStatusCode.Forbidden,
            "M_GUEST_ACCESS_FORBIDDEN");
    }

    [Fact]
    public async Task Guests_may_join_a_room_with_guest_access_can_join_and_then_read_it()
    {
        var alice = await Server.RegisterAsync();
        var guest = await Server.RegisterGuestAsync();
        var room = await alice.CreateRoomWithVisibilityAsync("shared", guestAccess: "can_join");
        await alice.SendTextAsync(room, "welcome");

        await guest.JoinAsync(room);

        Assert.Equal(["welcome"], (await guest.MessagesAsync(room)).GetProperty("chunk").Bodies());
    }

    [Fact]
    public async Task Guest_access_set_after_creation_lets_guests_join()
    {
        var alice = await Server.RegisterAsync();
        var guest = await Server.RegisterGuestAsync();
        var room = await alice.CreateRoomWithVisibilityAsync("shared", guestAccess: "forbidden");
        await alice.SetStateAsync(room, "m.room.guest_access", "", new JsonObject { ["guest_access"] = "can_join" });

        await MatrixAssert.OkAsync(await guest.Client.PostAsJsonAsync(
            $"/_matrix/client/v3/join/{RoomSteps.Escape(room)}", new JsonObject()));
    }
}
