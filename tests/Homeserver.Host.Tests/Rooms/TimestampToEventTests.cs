using System.Net;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Rooms;

/// <summary>GET /_matrix/client/v1/rooms/{roomId}/timestamp_to_event.</summary>
public sealed class TimestampToEventTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task Forwards_finds_the_first_event_at_or_after_the_time_and_backwards_the_last_at_or_before()
    {
        var alice = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync();
        var first = await alice.SendTextAsync(room, "first");
        var firstTs = await TimestampOfAsync(alice, room, first);
        await Task.Delay(20);
        var second = await alice.SendTextAsync(room, "second");
        var secondTs = await TimestampOfAsync(alice, room, second);

        var forwards = await MatrixAssert.OkAsync(await alice.Client.GetAsync(Path(room, firstTs + 1, "f")));
        var backwards = await MatrixAssert.OkAsync(await alice.Client.GetAsync(Path(room, secondTs - 1, "b")));

        Assert.Equal(second, forwards.GetProperty("event_id").GetString());
        Assert.Equal(secondTs, forwards.GetProperty("origin_server_ts").GetInt64());
        Assert.Equal(first, backwards.GetProperty("event_id").GetString());
    }

    [Fact]
    public async Task No_event_in_the_direction_is_not_found()
    {
        var alice = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync();

        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync(Path(room, 4102444800000, "f")),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync(Path(room, 1, "b")), HttpStatusCode.NotFound,
            "M_NOT_FOUND");
    }

    [Fact]
    public async Task Events_the_user_may_not_see_are_skipped()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var room = await alice.CreateRoomWithVisibilityAsync("joined");
        var hidden = await alice.SendTextAsync(room, "before bob");
        var hiddenTs = await TimestampOfAsync(alice, room, hidden);
        await bob.JoinAsync(room);

        var found = await MatrixAssert.OkAsync(await bob.Client.GetAsync(Path(room, hiddenTs, "f")));

        Assert.NotEqual(hidden, found.GetProperty("event_id").GetString());
    }

    [Fact]
    public async Task Bad_direction_is_an_invalid_parameter_and_a_missing_timestamp_a_missing_one()
    {
        var alice = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync();
        var path = $"/_matrix/client/v1/rooms/{RoomSteps.Escape(room)}/timestamp_to_event";

        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync(path + "?ts=1&dir=x"), HttpStatusCode.BadRequest,
            "M_INVALID_PARAM");
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync(path + "?dir=f"), HttpStatusCode.BadRequest,
            "M_MISSING_PARAM");
    }

    [Fact]
    public async Task Non_members_of_a_room_that_is_not_world_readable_are_forbidden()
    {
        var alice = await Server.RegisterAsync();
        var stranger = await Server.RegisterAsync();
        var room = await alice.CreateRoomWithVisibilityAsync("shared");

        await MatrixAssert.ErrorAsync(await stranger.Client.GetAsync(Path(room, 1, "f")), HttpStatusCode.Forbidden,
            "M_FORBIDDEN");
    }

    private static string Path(string room, long ts, string dir) =>
        $"/_matrix/client/v1/rooms/{RoomSteps.Escape(room)}/timestamp_to_event?ts={ts}&dir={dir}";

    private static async Task<long> TimestampOfAsync(TestSession session, string room, string eventId) =>
        (await MatrixAssert.OkAsync(await session.GetRoomAsync(room, $"event/{RoomSteps.Escape(eventId)}")))
        .GetProperty("origin_server_ts").GetInt64();
}
