using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Sync;

/// <summary>Events inside /sync rooms: ClientEventWithoutRoomID, and the filter's event_fields.</summary>
public sealed class SyncEventShapeTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task Events_in_sync_rooms_carry_no_room_id()
    {
        var alice = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync();
        await alice.SendTextAsync(room, "hello");

        var joined = (await alice.SyncAsync(filter: """{"room":{"timeline":{"limit":2}}}""")).Room("join", room)!.Value;

        Assert.All(joined.Timeline().EnumerateArray().Concat(joined.GetProperty("state").GetProperty("events").EnumerateArray()),
            e => Assert.False(e.TryGetProperty("room_id", out _)));
        Assert.NotEmpty(joined.Timeline().EnumerateArray());
    }

    [Fact]
    public async Task Event_fields_keep_only_the_requested_fields_of_timeline_events()
    {
        var alice = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync();
        await alice.SendTextAsync(room, "hello");

        // Not through SyncAsync: the spec's schema lists required fields that event_fields may leave out.
        var response = await alice.Client.GetAsync("/_matrix/client/v3/sync?filter=" + RoomSteps.Escape(
            """{"event_fields":["type","content.body","sender"],"room":{"timeline":{"limit":1}}}"""));
        var joined = (await MatrixAssert.OkAsync(response)).Room("join", room)!.Value;

        var message = Assert.Single(joined.Timeline().EnumerateArray());
        Assert.Equal(["content", "sender", "type"], message.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(["body"], message.GetProperty("content").EnumerateObject().Select(p => p.Name));
        Assert.Equal("hello", message.GetProperty("content").GetProperty("body").GetString());
    }
}
