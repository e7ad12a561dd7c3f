using System.Net;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Misc;

/// <summary>The deprecated /events, /events/{eventId}, /initialSync and /rooms/{roomId}/initialSync.</summary>
public sealed class LegacySyncTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task Events_from_a_token_returns_the_new_room_events_with_the_next_token()
    {
        var alice = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync();
        var first = await SpecSchema.AssertValidAsync(await alice.Client.GetAsync("/_matrix/client/v3/events?timeout=0"));
        var token = first.GetProperty("end").GetString()!;

        await alice.SendTextAsync(room, "news");
        var next = await SpecSchema.AssertValidAsync(await alice.Client.GetAsync(
            $"/_matrix/client/v3/events?from={RoomSteps.Escape(token)}&timeout=0"));

        Assert.Equal(token, next.GetProperty("start").GetString());
        Assert.NotEqual(token, next.GetProperty("end").GetString());
        var message = Assert.Single(next.GetProperty("chunk").EnumerateArray());
        Assert.Equal(room, message.GetProperty("room_id").GetString());
        Assert.Equal(["news"], next.GetProperty("chunk").Bodies());
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync("/_matrix/client/v3/events?from=nonsense"),
            HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task An_event_by_id_is_served_only_to_users_who_may_see_it()
    {
        var alice = await Server.RegisterAsync();
        var eve = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync();
        var eventId = await alice.SendTextAsync(room, "private");
        var path = $"/_matrix/client/v3/events/{RoomSteps.Escape(eventId)}";

        var seen = await SpecSchema.AssertValidAsync(await alice.Client.GetAsync(path));

        Assert.Equal("private", seen.GetProperty("content").GetProperty("body").GetString());
        await MatrixAssert.ErrorAsync(await eve.Client.GetAsync(path), HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync("/_matrix/client/v3/events/%24nothere"),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Initial_sync_lists_joined_and_invited_rooms_with_messages_and_state()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var joined = await alice.CreateRoomAsync();
        await alice.SendTextAsync(joined, "hello");
        var invitedTo = await bob.CreateRoomAsync();
        await bob.InviteAsync(invitedTo, alice.UserId);

        var body = await SpecSchema.AssertValidAsync(await alice.Client.GetAsync("/_matrix/client/v3/initialSync?limit=5"));

        var rooms = body.GetProperty("rooms").EnumerateArray().ToDictionary(r => r.GetProperty("room_id").GetString()!);
        Assert.Equal("join", rooms[joined].GetProperty("membership").GetString());
        Assert.Equal(["hello"], rooms[joined].GetProperty("messages").GetProperty("chunk").Bodies());
        Assert.Contains(rooms[joined].GetProperty("state").EnumerateArray(),
            e => e.GetProperty("type").GetString() == "m.room.create");
        Assert.Equal("invite", rooms[invitedTo].GetProperty("membership").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("end").GetString()));
    }

    [Fact]
    public async Task Room_initial_sync_gives_messages_in_order_and_state_to_members_only()
    {
        var alice = await Server.RegisterAsync();
        var eve = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync();
        await alice.SendTextAsync(room, "one");
        await alice.SendTextAsync(room, "two");
        var path = $"/_matrix/client/v3/rooms/{RoomSteps.Escape(room)}/initialSync";

        var body = await SpecSchema.AssertValidAsync(await alice.Client.GetAsync(path));

        Assert.Equal(room, body.GetProperty("room_id").GetString());
        Assert.Equal("join", body.GetProperty("membership").GetString());
        Assert.Equal(["one", "two"], body.GetProperty("messages").GetProperty("chunk").Bodies());
        Assert.Contains(body.GetProperty("state").EnumerateArray(), e => e.GetProperty("type").GetString() == "m.room.create");
        var refused = await eve.Client.GetAsync(path);
        await MatrixAssert.ErrorAsync(refused, HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await SpecSchema.AssertValidAsync(refused);
    }
}
