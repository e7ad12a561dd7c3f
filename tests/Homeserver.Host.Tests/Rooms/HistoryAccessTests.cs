using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Rooms;

/// <summary>Who may read at all (banned, invited, peeking users) and visibility values the spec does not know.</summary>
public sealed class HistoryAccessTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task Peeking_users_see_only_events_sent_while_the_room_was_world_readable()
    {
        var alice = await Server.RegisterAsync();
        var stranger = await Server.RegisterAsync();
        var room = await alice.CreateRoomWithVisibilityAsync("shared");
        await alice.SendTextAsync(room, "members only");
        await alice.SetVisibilityAsync(room, "world_readable");
        await alice.SendTextAsync(room, "for everyone");

        Assert.Equal(["for everyone"], (await stranger.MessagesAsync(room)).GetProperty("chunk").Bodies());
    }

    [Fact]
    public async Task Banned_users_may_not_read_a_room_that_is_not_world_readable()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var room = await alice.CreateRoomWithVisibilityAsync("shared");
        await bob.JoinAsync(room);
        await alice.SendTextAsync(room, "seen by bob");
        await MatrixAssert.OkAsync(await alice.Client.PostAsJsonAsync(
            $"/_matrix/client/v3/rooms/{RoomSteps.Escape(room)}/ban", new JsonObject { ["user_id"] = bob.UserId }));

        await MatrixAssert.ErrorAsync(await bob.GetRoomAsync(room, "messages?dir=b"), HttpStatusCode.Forbidden,
            "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await bob.GetRoomAsync(room, "state"), HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task Invited_users_may_not_read_until_they_join()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var room = await alice.CreateRoomWithVisibilityAsync("invited", preset: "private_chat");
        await alice.InviteAsync(room, bob.UserId);

        await MatrixAssert.ErrorAsync(await bob.GetRoomAsync(room, "messages?dir=b"), HttpStatusCode.Forbidden,
            "M_FORBIDDEN");
    }

    [Fact]
    public async Task An_unknown_history_visibility_value_is_treated_as_joined()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var room = await alice.CreateRoomWithVisibilityAsync("org.example.everyone");
        await alice.SendTextAsync(room, "before bob");

        await bob.JoinAsync(room);
        await alice.SendTextAsync(room, "after bob");

        // Not MessagesAsync: the spec's schema of m.room.history_visibility rejects the unknown value this test sends.
        var messages = await MatrixAssert.OkAsync(await bob.GetRoomAsync(room, "messages?dir=b&limit=100"));
        Assert.Equal(["after bob"], messages.GetProperty("chunk").Bodies());
    }

    [Fact]
    public async Task Kicked_users_see_history_up_to_the_kick()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var room = await alice.CreateRoomWithVisibilityAsync("joined");
        await bob.JoinAsync(room);
        await alice.SendTextAsync(room, "before kick");
        await MatrixAssert.OkAsync(await alice.Client.PostAsJsonAsync(
            $"/_matrix/client/v3/rooms/{RoomSteps.Escape(room)}/kick", new JsonObject { ["user_id"] = bob.UserId }));
        await alice.SendTextAsync(room, "after kick");

        Assert.Equal(["before kick"], (await bob.MessagesAsync(room)).GetProperty("chunk").Bodies());
    }
}
