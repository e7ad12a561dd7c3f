using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using Homeserver.Host.Tests.Sync;
using static Homeserver.Host.Tests.Support.RoomSteps;

namespace Homeserver.Host.Tests.Rooms;

/// <summary>
/// History visibility on the read paths beyond /messages: reports, /members at a token, and the bundled aggregations
/// of /sync, /search and /context.
/// </summary>
public sealed class VisibleReadPathsTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    private static string ReportPath(string roomId, string eventId) =>
        $"/_matrix/client/v3/rooms/{Escape(roomId)}/report/{Escape(eventId)}";

    private static int ThreadCount(JsonElement formatted) =>
        formatted.GetProperty("unsigned").GetProperty("m.relations").GetProperty("m.thread").GetProperty("count")
            .GetInt32();

    [Fact]
    public async Task Reporting_an_event_the_user_cannot_see_is_M_NOT_FOUND()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomWithVisibilityAsync("joined");
        var hidden = await alice.SendTextAsync(roomId, "before bob");
        await bob.JoinAsync(roomId);
        var seen = await alice.SendTextAsync(roomId, "after bob");
        var reason = new JsonObject { ["reason"] = "spam" };

        await MatrixAssert.ErrorAsync(await bob.Client.PostAsJsonAsync(ReportPath(roomId, hidden), reason),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.OkAsync(await bob.Client.PostAsJsonAsync(ReportPath(roomId, seen), reason));
    }

    [Fact]
    public async Task Reporting_needs_the_reporter_joined_even_for_events_they_saw()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var roomId = await alice.SharedRoomAsync(bob);
        var seen = await alice.SendTextAsync(roomId, "bob saw this");
        await bob.LeaveAsync(roomId);

        await MatrixAssert.ErrorAsync(await bob.Client.PostAsJsonAsync(ReportPath(roomId, seen),
            new JsonObject { ["reason"] = "spam" }), HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Reporting_an_event_of_an_ignored_user_is_allowed()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var roomId = await alice.SharedRoomAsync(bob);
        var eventId = await alice.SendTextAsync(roomId, "abuse");
        await bob.IgnoreAsync(alice.UserId);

        await MatrixAssert.OkAsync(await bob.Client.PostAsJsonAsync(ReportPath(roomId, eventId),
            new JsonObject { ["reason"] = "abuse" }));
    }

    [Fact]
    public async Task Members_at_a_token_from_history_the_user_cannot_see_are_M_FORBIDDEN()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var carol = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomWithVisibilityAsync("joined");
        await carol.JoinAsync(roomId);
        var before = (await alice.MessagesAsync(roomId, "dir=b&limit=1")).GetProperty("start").GetString();
        await carol.LeaveAsync(roomId);
        await bob.JoinAsync(roomId);
        var after = (await alice.MessagesAsync(roomId, "dir=b&limit=1")).GetProperty("start").GetString();

        await MatrixAssert.ErrorAsync(await bob.GetRoomAsync(roomId, $"members?at={before}"),
            HttpStatusCode.Forbidden, "M_FORBIDDEN");
        Assert.Equal(3, (await MatrixAssert.OkAsync(await bob.GetRoomAsync(roomId, $"members?at={after}")))
            .GetProperty("chunk").GetArrayLength());
        Assert.Equal(2, (await MatrixAssert.OkAsync(await alice.GetRoomAsync(roomId, $"members?at={before}")))
            .GetProperty("chunk").GetArrayLength());
    }

    [Fact]
    public async Task Sync_search_and_context_bundle_only_visible_thread_replies()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var word = "w" + Guid.NewGuid().ToString("N")[..10];
        var roomId = await alice.CreateRoomWithVisibilityAsync("shared");
        var root = await alice.SendTextAsync(roomId, $"root {word}");
        await alice.RelateAsync(roomId, root, "m.thread", "shared reply");
        await alice.SetVisibilityAsync(roomId, "joined");
        await alice.RelateAsync(roomId, root, "m.thread", "reply bob may not see");
        await bob.JoinAsync(roomId);
        await alice.RelateAsync(roomId, root, "m.thread", "reply after bob joined");

        var sync = await bob.SyncAsync(filter: """{"room":{"timeline":{"limit":50}}}""");
        var searched = await MatrixAssert.OkAsync(await bob.Client.PostAsJsonAsync("/_matrix/client/v3/search",
            new JsonObject
            {
                ["search_categories"] = new JsonObject { ["room_events"] = new JsonObject { ["search_term"] = word } },
            }));
        var context = await MatrixAssert.OkAsync(await bob.GetRoomAsync(roomId, $"context/{Escape(root)}"));

        var inTimeline = sync.Room("join", roomId)!.Value.Timeline().EnumerateArray()
            .Single(e => e.GetProperty("event_id").GetString() == root);
        Assert.Equal(2, ThreadCount(inTimeline));
        Assert.Equal(2, ThreadCount(searched.GetProperty("search_categories").GetProperty("room_events")
            .GetProperty("results")[0].GetProperty("result")));
        Assert.Equal(2, ThreadCount(context.GetProperty("event")));
    }
}
