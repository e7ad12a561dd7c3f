using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using static Homeserver.Host.Tests.Support.RoomSteps;

namespace Homeserver.Host.Tests.Rooms;

/// <summary>
/// History visibility on /threads, /relations and bundled aggregations: what a user may not see in the timeline is
/// neither listed nor counted nor bundled.
/// </summary>
public sealed class VisibleRelationsTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    private static string ThreadsPath(string roomId, string query = "") =>
        $"/_matrix/client/v1/rooms/{Escape(roomId)}/threads{query}";

    private static string RelationsPath(string roomId, string eventId, string rest = "") =>
        $"/_matrix/client/v1/rooms/{Escape(roomId)}/relations/{Escape(eventId)}{rest}";

    private static JsonElement Thread(JsonElement formatted) =>
        formatted.GetProperty("unsigned").GetProperty("m.relations").GetProperty("m.thread");

    private static bool HasRelations(JsonElement formatted) =>
        formatted.TryGetProperty("unsigned", out var unsigned) && unsigned.TryGetProperty("m.relations", out _);

    [Fact]
    public async Task Threads_whose_root_the_user_cannot_see_are_not_listed_and_pages_still_fill()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomWithVisibilityAsync("joined");
        var hidden = await alice.SendTextAsync(roomId, "before bob");
        await alice.RelateAsync(roomId, hidden, "m.thread", "hidden reply");
        await bob.JoinAsync(roomId);
        var seen = await alice.SendTextAsync(roomId, "after bob");
        await alice.RelateAsync(roomId, seen, "m.thread", "seen reply");
        await alice.RelateAsync(roomId, hidden, "m.thread", "late reply to the hidden root");

        var all = await bob.GetJsonAsync(ThreadsPath(roomId));
        var firstPage = await bob.GetJsonAsync(ThreadsPath(roomId, "?limit=1"));

        Assert.Equal([seen], all.GetProperty("chunk").EventIds());
        Assert.Equal([seen], firstPage.GetProperty("chunk").EventIds());
        Assert.Equal([hidden, seen], (await alice.GetJsonAsync(ThreadsPath(roomId))).GetProperty("chunk").EventIds());
    }

    [Fact]
    public async Task A_thread_summary_counts_only_the_replies_the_user_can_see()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomWithVisibilityAsync("shared");
        var root = await alice.SendTextAsync(roomId, "root while shared");
        await alice.RelateAsync(roomId, root, "m.thread", "shared reply");
        await alice.SetVisibilityAsync(roomId, "joined");
        await alice.RelateAsync(roomId, root, "m.thread", "reply bob may not see");
        await bob.JoinAsync(roomId);
        var latest = await alice.RelateAsync(roomId, root, "m.thread", "reply after bob joined");

        var bobs = Thread(await bob.GetEventAsync(roomId, root));
        var listed = Thread((await bob.GetJsonAsync(ThreadsPath(roomId))).GetProperty("chunk")[0]);

        Assert.Equal(2, bobs.GetProperty("count").GetInt32());
        Assert.Equal(latest, bobs.GetProperty("latest_event").GetProperty("event_id").GetString());
        Assert.Equal(2, listed.GetProperty("count").GetInt32());
        Assert.Equal(3, Thread(await alice.GetEventAsync(roomId, root)).GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task A_user_who_left_is_bundled_the_latest_reply_and_edit_from_before_they_left()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomWithVisibilityAsync("shared");
        await bob.JoinAsync(roomId);
        var root = await alice.SendTextAsync(roomId, "root");
        var reply = await alice.RelateAsync(roomId, root, "m.thread", "reply bob saw");
        var edit = await alice.RelateAsync(roomId, root, "m.replace", "* edit bob saw", extra: Edit("edit bob saw"));
        await alice.RelateAsync(roomId, root, "m.reference", "reference bob saw");
        await bob.LeaveAsync(roomId);
        await alice.RelateAsync(roomId, root, "m.thread", "reply after bob left");
        await alice.RelateAsync(roomId, root, "m.replace", "* edit after bob left", extra: Edit("edit after bob left"));
        await alice.RelateAsync(roomId, root, "m.reference", "reference after bob left");

        var relations = (await bob.GetEventAsync(roomId, root)).GetProperty("unsigned").GetProperty("m.relations");

        Assert.Equal(1, relations.GetProperty("m.thread").GetProperty("count").GetInt32());
        Assert.Equal(reply, relations.GetProperty("m.thread").GetProperty("latest_event").GetProperty("event_id").GetString());
        Assert.Equal(edit, relations.GetProperty("m.replace").GetProperty("event_id").GetString());
        Assert.Equal(1, relations.GetProperty("m.reference").GetProperty("chunk").GetArrayLength());
    }

    [Fact]
    public async Task An_event_whose_every_relation_is_hidden_bundles_nothing()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomWithVisibilityAsync("shared");
        await bob.JoinAsync(roomId);
        var root = await alice.SendTextAsync(roomId, "root");
        await bob.LeaveAsync(roomId);
        await alice.RelateAsync(roomId, root, "m.thread", "reply after bob left");
        await alice.RelateAsync(roomId, root, "m.replace", "* edit", extra: Edit("edit"));

        var messages = await bob.MessagesAsync(roomId);
        var formatted = messages.GetProperty("chunk").EnumerateArray().Single(e => e.GetProperty("event_id").GetString() == root);

        Assert.False(HasRelations(formatted));
    }

    [Fact]
    public async Task A_thread_summary_leaves_out_replies_of_ignored_users()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var carol = await Server.RegisterAsync();
        var roomId = await alice.SharedRoomAsync(bob, carol);
        var root = await alice.SendTextAsync(roomId, "root");
        var reply = await alice.RelateAsync(roomId, root, "m.thread", "from alice");
        await carol.RelateAsync(roomId, root, "m.thread", "from carol, whom bob ignores");
        await bob.IgnoreAsync(carol.UserId);

        var thread = Thread(await bob.GetEventAsync(roomId, root));

        Assert.Equal(1, thread.GetProperty("count").GetInt32());
        Assert.Equal(reply, thread.GetProperty("latest_event").GetProperty("event_id").GetString());
    }

    [Fact]
    public async Task Relations_list_only_children_the_user_can_see_in_every_form_and_recursively()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomWithVisibilityAsync("shared");
        var root = await alice.SendTextAsync(roomId, "root while shared");
        await alice.SetVisibilityAsync(roomId, "joined");
        var hiddenReply = await alice.RelateAsync(roomId, root, "m.thread", "before bob");
        await alice.ReactAsync(roomId, root, "👎");
        await bob.JoinAsync(roomId);
        var reply = await alice.RelateAsync(roomId, root, "m.thread", "after bob");
        var reaction = await alice.ReactAsync(roomId, root, "👍");
        var reactionToHidden = await alice.ReactAsync(roomId, hiddenReply, "👀");

        Assert.Equal([reaction, reply], (await bob.GetJsonAsync(RelationsPath(roomId, root))).GetProperty("chunk").EventIds());
        Assert.Equal([reply], (await bob.GetJsonAsync(RelationsPath(roomId, root, "/m.thread"))).GetProperty("chunk").EventIds());
        Assert.Equal([reaction], (await bob.GetJsonAsync(RelationsPath(roomId, root, "/m.annotation/m.reaction")))
            .GetProperty("chunk").EventIds());
        var recursed = await bob.GetJsonAsync(RelationsPath(roomId, root, "?recurse=true"));
        Assert.Equal([reactionToHidden, reaction, reply], recursed.GetProperty("chunk").EventIds());
        Assert.Equal(5, (await alice.GetJsonAsync(RelationsPath(roomId, root, "?recurse=true"))).GetProperty("chunk")
            .GetArrayLength());
    }

    [Fact]
    public async Task Relations_of_an_event_the_user_cannot_see_are_M_NOT_FOUND()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomWithVisibilityAsync("joined");
        var hidden = await alice.SendTextAsync(roomId, "before bob");
        await bob.JoinAsync(roomId);
        await alice.RelateAsync(roomId, hidden, "m.thread", "reply bob could see");

        await MatrixAssert.ErrorAsync(await bob.Client.GetAsync(RelationsPath(roomId, hidden)),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await bob.Client.GetAsync(RelationsPath(roomId, hidden, "/m.thread")),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    private static JsonObject Edit(string body) => new()
    {
        ["m.new_content"] = new JsonObject { ["msgtype"] = "m.text", ["body"] = body },
    };
}
