using System.Net;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Rooms;

/// <summary>GET /rooms/{roomId}/context/{eventId}.</summary>
public sealed class ContextTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task Context_returns_the_event_with_events_before_and_after_split_by_the_limit_and_usable_tokens()
    {
        var alice = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync(new() { ["name"] = "ctx" });
        for (var i = 0; i < 4; i++)
        {
            await alice.SendTextAsync(room, $"b{i}");
        }

        var middle = await alice.SendTextAsync(room, "middle");
        for (var i = 0; i < 4; i++)
        {
            await alice.SendTextAsync(room, $"a{i}");
        }

        var context = await MatrixAssert.OkAsync(await alice.GetRoomAsync(room,
            $"context/{RoomSteps.Escape(middle)}?limit=4"));

        Assert.Equal("middle", context.GetProperty("event").GetProperty("content").GetProperty("body").GetString());
        Assert.Equal(["b3", "b2"], context.GetProperty("events_before").Bodies());
        Assert.Equal(["a0", "a1"], context.GetProperty("events_after").Bodies());
        Assert.Contains(context.GetProperty("state").EnumerateArray(),
            e => e.GetProperty("type").GetString() == "m.room.name");
        var earlier = await alice.MessagesAsync(room, $"dir=b&limit=2&from={context.GetProperty("start").GetString()}");
        Assert.Equal(["b1", "b0"], earlier.GetProperty("chunk").Bodies());
        var later = await alice.MessagesAsync(room, $"dir=f&limit=10&from={context.GetProperty("end").GetString()}");
        Assert.Equal(["a2", "a3"], later.GetProperty("chunk").Bodies());
    }

    [Fact]
    public async Task Context_applies_the_filter_to_surrounding_events_and_state_but_not_the_event()
    {
        var alice = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync(new() { ["name"] = "ctx" });
        await alice.SendAsync(room, "org.example.other", new() { ["body"] = "x" });
        var target = await alice.SendAsync(room, "org.example.other", new() { ["body"] = "y" });
        await alice.SendTextAsync(room, "after");

        var context = await MatrixAssert.OkAsync(await alice.GetRoomAsync(room,
            $"context/{RoomSteps.Escape(target)}?filter=" + RoomSteps.Escape("""{"types":["m.room.message"]}""")));

        Assert.Equal("org.example.other", context.GetProperty("event").GetProperty("type").GetString());
        Assert.Empty(context.GetProperty("events_before").EnumerateArray());
        Assert.Equal(["after"], context.GetProperty("events_after").Bodies());
        Assert.Empty(context.GetProperty("state").EnumerateArray());
    }

    [Fact]
    public async Task Context_hides_events_the_user_may_not_see_and_an_invisible_event_is_not_found()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var room = await alice.CreateRoomWithVisibilityAsync("joined");
        var hidden = await alice.SendTextAsync(room, "before bob");
        await bob.JoinAsync(room);
        var shown = await alice.SendTextAsync(room, "after bob");

        var context = await MatrixAssert.OkAsync(await bob.GetRoomAsync(room, $"context/{RoomSteps.Escape(shown)}"));

        Assert.DoesNotContain("before bob", context.GetProperty("events_before").Bodies());
        await MatrixAssert.ErrorAsync(await bob.GetRoomAsync(room, $"context/{RoomSteps.Escape(hidden)}"),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Context_of_an_unknown_event_is_not_found()
    {
        var alice = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync();

        await MatrixAssert.ErrorAsync(await alice.GetRoomAsync(room, "context/%24nope"), HttpStatusCode.NotFound,
            "M_NOT_FOUND");
    }
}
