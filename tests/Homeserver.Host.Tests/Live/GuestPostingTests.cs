using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Live;

/// <summary>
/// No-login guests (docs/LIVE.md, "Access"; client-server API, "Guest access"): they pick a display name and post
/// m.room.message, and nothing else, in rooms whose m.room.guest_access is can_join.
/// </summary>
public sealed class GuestPostingTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task A_guest_picks_a_display_name_joins_a_can_join_room_and_posts_a_message_members_see()
    {
        var alice = await Server.RegisterAsync();
        var guest = await Server.RegisterGuestAsync();
        var room = await alice.CreateRoomWithVisibilityAsync("shared", guestAccess: "can_join");

        await MatrixAssert.OkAsync(await guest.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/profile/{RoomSteps.Escape(guest.UserId)}/displayname",
            new JsonObject { ["displayname"] = "Night Owl" }));
        await guest.JoinAsync(room);
        var eventId = await guest.SendTextAsync(room, "hello from the crowd");

        var seen = await alice.GetEventAsync(room, eventId);
        Assert.Equal(guest.UserId, seen.GetProperty("sender").GetString());
        Assert.Equal("hello from the crowd", seen.GetProperty("content").GetProperty("body").GetString());
        var member = await alice.GetStateAsync(room, "m.room.member", guest.UserId);
        Assert.Equal("Night Owl", member.GetProperty("displayname").GetString());
    }

    [Fact]
    public async Task A_guest_may_post_only_while_the_room_lets_guests_join()
    {
        var alice = await Server.RegisterAsync();
        var guest = await Server.RegisterGuestAsync();
        var room = await alice.CreateRoomWithVisibilityAsync("shared", guestAccess: "can_join");
        await guest.JoinAsync(room);
        await guest.SendTextAsync(room, "while allowed");

        await alice.SetStateAsync(room, "m.room.guest_access", "", new JsonObject { ["guest_access"] = "forbidden" });

        await MatrixAssert.ErrorAsync(await guest.TrySendAsync(room, "m.room.message",
                new JsonObject { ["msgtype"] = "m.text", ["body"] = "after" }), HttpStatusCode.Forbidden,
            "M_GUEST_ACCESS_FORBIDDEN");
        var alicesMessage = await alice.SendTextAsync(room, "members still post");
        Assert.DoesNotContain("after", (await alice.MessagesAsync(room)).GetProperty("chunk").Bodies());
        Assert.NotEmpty(alicesMessage);
    }

    [Fact]
    public async Task A_guest_may_not_post_in_a_world_readable_room_without_guest_access_even_as_a_reader()
    {
        var alice = await Server.RegisterAsync();
        var guest = await Server.RegisterGuestAsync();
        var open = await alice.CreateRoomWithVisibilityAsync("world_readable", guestAccess: "can_join");
        var readOnly = await alice.CreateRoomWithVisibilityAsync("world_readable", guestAccess: "forbidden");
        await guest.JoinAsync(open);
        await guest.SendTextAsync(open, "allowed here");

        await MatrixAssert.ErrorAsync(await guest.TrySendAsync(readOnly, "m.room.message",
                new JsonObject { ["msgtype"] = "m.text", ["body"] = "not here" }), HttpStatusCode.Forbidden,
            "M_GUEST_ACCESS_FORBIDDEN");
        Assert.Empty((await guest.MessagesAsync(readOnly)).GetProperty("chunk").Bodies());
    }

    [Fact]
    public async Task A_guest_may_send_m_room_message_but_no_other_event_type_state_or_delayed_event()
    {
        var alice = await Server.RegisterAsync();
        var guest = await Server.RegisterGuestAsync();
        var room = await alice.CreateRoomWithVisibilityAsync("shared", guestAccess: "can_join");
        await guest.JoinAsync(room);
        var message = await guest.SendTextAsync(room, "a message is fine");

        await MatrixAssert.ErrorAsync(await guest.TrySendAsync(room, "m.reaction", new JsonObject
        {
            ["m.relates_to"] = new JsonObject { ["rel_type"] = "m.annotation", ["event_id"] = message, ["key"] = "+1" },
        }), HttpStatusCode.Forbidden, "M_GUEST_ACCESS_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await guest.TrySendAsync(room, "org.example.custom", new JsonObject()),
            HttpStatusCode.Forbidden, "M_GUEST_ACCESS_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await guest.TrySetStateAsync(room, "m.room.topic", "",
            new JsonObject { ["topic"] = "guests rule" }), HttpStatusCode.Forbidden, "M_GUEST_ACCESS_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await guest.Client.PutAsJsonAsync(
                $"/_matrix/client/v3/rooms/{RoomSteps.Escape(room)}/send/m.room.message/later" +
                "?org.matrix.msc4140.delay=60000", new JsonObject { ["msgtype"] = "m.text", ["body"] = "later" }),
            HttpStatusCode.Forbidden, "M_GUEST_ACCESS_FORBIDDEN");
    }

    [Fact]
    public async Task A_guest_retrying_a_send_gets_the_same_event()
    {
        var alice = await Server.RegisterAsync();
        var guest = await Server.RegisterGuestAsync();
        var room = await alice.CreateRoomWithVisibilityAsync("shared", guestAccess: "can_join");
        await guest.JoinAsync(room);

        var first = await guest.SendTextAsync(room, "once", "txn-1");
        var again = await guest.SendTextAsync(room, "once", "txn-1");

        Assert.Equal(first, again);
    }
}
