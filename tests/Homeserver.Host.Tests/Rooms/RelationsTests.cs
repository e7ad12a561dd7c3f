using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using static Homeserver.Host.Tests.Support.RoomSteps;

namespace Homeserver.Host.Tests.Rooms;

/// <summary>GET /v1/rooms/{roomId}/relations/{eventId}[/{relType}[/{eventType}]]: children of an event, paginated.</summary>
public sealed class RelationsTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    private static string Path(string roomId, string eventId, string rest = "") =>
        $"/_matrix/client/v1/rooms/{Escape(roomId)}/relations/{Escape(eventId)}{rest}";

    [Fact]
    public async Task Relations_come_newest_first_and_next_batch_pages_to_the_oldest()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        var parent = await alice.SendTextAsync(roomId, "parent");
        var one = await alice.RelateAsync(roomId, parent, "m.thread", "one");
        var two = await alice.RelateAsync(roomId, parent, "m.thread", "two");
        var three = await alice.RelateAsync(roomId, parent, "m.thread", "three");
        await alice.SendTextAsync(roomId, "unrelated");

        var first = await alice.GetJsonAsync(Path(roomId, parent, "?limit=2"));
        Assert.Equal([three, two], first.GetProperty("chunk").EventIds());
        var next = first.GetProperty("next_batch").GetString();
        Assert.False(first.TryGetProperty("prev_batch", out _));
        var second = await alice.GetJsonAsync(Path(roomId, parent, $"?limit=2&from={next}"));

        Assert.Equal([one], second.GetProperty("chunk").EventIds());
        Assert.False(second.TryGetProperty("next_batch", out _));
        Assert.Equal(next, second.GetProperty("prev_batch").GetString());
        Assert.False(second.TryGetProperty("recursion_depth", out _));
    }

    [Fact]
    public async Task Dir_f_returns_relations_oldest_first_up_to_the_to_token()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        var parent = await alice.SendTextAsync(roomId, "parent");
        var one = await alice.RelateAsync(roomId, parent, "m.reference");
        var two = await alice.RelateAsync(roomId, parent, "m.reference");
        await alice.RelateAsync(roomId, parent, "m.reference");

        var all = await alice.GetJsonAsync(Path(roomId, parent, "?dir=f"));
        var page = await alice.GetJsonAsync(Path(roomId, parent, "?dir=f&limit=2"));
        var upToTwo = await alice.GetJsonAsync(Path(roomId, parent, $"?dir=f&to={page.GetProperty("next_batch").GetString()}"));

        Assert.Equal(one, all.GetProperty("chunk").EventIds()[0]);
        Assert.Equal([one, two], upToTwo.GetProperty("chunk").EventIds());
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync(Path(roomId, parent, "?dir=x")),
            HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task Rel_type_and_event_type_in_the_path_filter_the_children()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        var parent = await alice.SendTextAsync(roomId, "parent");
        var reaction = await alice.ReactAsync(roomId, parent, "👍");
        var reply = await alice.RelateAsync(roomId, parent, "m.thread");
        var otherType = await alice.RelateAsync(roomId, parent, "m.annotation", type: "org.example.vote");

        var annotations = await alice.GetJsonAsync(Path(roomId, parent, "/m.annotation"));
        var reactions = await alice.GetJsonAsync(Path(roomId, parent, "/m.annotation/m.reaction"));
        var threads = await alice.GetJsonAsync(Path(roomId, parent, "/m.thread"));

        Assert.Equal([otherType, reaction], annotations.GetProperty("chunk").EventIds());
        Assert.Equal([reaction], reactions.GetProperty("chunk").EventIds());
        Assert.Equal("👍", reactions.GetProperty("chunk")[0].GetProperty("content").GetProperty("m.relates_to")
            .GetProperty("key").GetString());
        Assert.Equal([reply], threads.GetProperty("chunk").EventIds());
    }

    [Fact]
    public async Task Recurse_includes_relations_of_relations_and_reports_the_depth()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        var parent = await alice.SendTextAsync(roomId, "parent");
        var reply = await alice.RelateAsync(roomId, parent, "m.thread");
        var reactionToReply = await alice.ReactAsync(roomId, reply, "🎉");

        var direct = await alice.GetJsonAsync(Path(roomId, parent, "?recurse=false"));
        var recursive = await alice.GetJsonAsync(Path(roomId, parent, "?recurse=true"));

        Assert.Equal([reply], direct.GetProperty("chunk").EventIds());
        Assert.Equal(1, direct.GetProperty("recursion_depth").GetInt32());
        Assert.Equal([reactionToReply, reply], recursive.GetProperty("chunk").EventIds());
        Assert.True(recursive.GetProperty("recursion_depth").GetInt32() >= 3);
    }

    [Fact]
    public async Task Relations_of_unknown_events_events_of_other_rooms_or_rooms_not_joined_are_M_NOT_FOUND()
    {
        var alice = await Server.RegisterAsync();
        var eve = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        var otherRoom = await alice.CreateRoomAsync();
        var parent = await alice.SendTextAsync(roomId, "parent");

        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync(Path(roomId, "$unknown")),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync(Path(otherRoom, parent)),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await eve.Client.GetAsync(Path(roomId, parent)),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task World_readable_rooms_relations_are_readable_without_joining()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        await alice.SetStateAsync(roomId, "m.room.history_visibility", "",
            new JsonObject { ["history_visibility"] = "world_readable" });
        var parent = await alice.SendTextAsync(roomId, "parent");
        var reply = await alice.RelateAsync(roomId, parent, "m.thread");

        var relations = await bob.GetJsonAsync(Path(roomId, parent));

        Assert.Equal([reply], relations.GetProperty("chunk").EventIds());
    }

    [Fact]
    public async Task Redacted_relations_are_not_listed()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        var parent = await alice.SendTextAsync(roomId, "parent");
        var kept = await alice.ReactAsync(roomId, parent, "a");
        var redacted = await alice.ReactAsync(roomId, parent, "b");
        await alice.RedactAsync(roomId, redacted);

        var relations = await alice.GetJsonAsync(Path(roomId, parent));

        Assert.Equal([kept], relations.GetProperty("chunk").EventIds());
    }

    [Fact]
    public async Task Relations_need_an_access_token()
    {
        await MatrixAssert.ErrorAsync(await Server.Anonymous.GetAsync(Path("!room:localhost", "$event")),
            HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
    }
}
