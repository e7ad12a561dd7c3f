using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using static Homeserver.Host.Tests.Support.RoomSteps;

namespace Homeserver.Host.Tests.Rooms;

/// <summary>Bundled aggregations in unsigned.m.relations of events served to clients (m.replace, m.thread, m.reference).</summary>
public sealed class RelationsBundleTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    private static JsonObject Edit(string body) => new()
    {
        ["m.new_content"] = new JsonObject { ["msgtype"] = "m.text", ["body"] = body },
    };

    private static JsonElement Relations(JsonElement formatted) =>
        formatted.GetProperty("unsigned").GetProperty("m.relations");

    [Fact]
    public async Task An_event_bundles_the_newest_edit_by_its_original_sender_only()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var roomId = await alice.SharedRoomAsync(bob);
        var original = await alice.SendTextAsync(roomId, "helo");
        await alice.RelateAsync(roomId, original, "m.replace", "* hello", extra: Edit("hello"));
        var newest = await alice.RelateAsync(roomId, original, "m.replace", "* hello!", extra: Edit("hello!"));
        await bob.RelateAsync(roomId, original, "m.replace", "* hijacked", extra: Edit("hijacked"));

        var replace = Relations(await bob.GetEventAsync(roomId, original)).GetProperty("m.replace");

        Assert.Equal(newest, replace.GetProperty("event_id").GetString());
        Assert.Equal("hello!", replace.GetProperty("content").GetProperty("m.new_content").GetProperty("body").GetString());
    }

    [Fact]
    public async Task An_edit_by_someone_else_is_not_bundled()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var roomId = await alice.SharedRoomAsync(bob);
        var original = await alice.SendTextAsync(roomId, "mine");
        await bob.RelateAsync(roomId, original, "m.replace", "* theirs", extra: Edit("theirs"));

        var formatted = await alice.GetEventAsync(roomId, original);

        Assert.False(formatted.GetProperty("unsigned").TryGetProperty("m.relations", out _));
    }

    [Fact]
    public async Task A_thread_root_bundles_its_latest_reply_count_and_whether_the_reader_participated()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var carol = await Server.RegisterAsync();
        var roomId = await alice.SharedRoomAsync(bob, carol);
        var root = await alice.SendTextAsync(roomId, "root");
        await bob.RelateAsync(roomId, root, "m.thread", "first");
        var latest = await bob.RelateAsync(roomId, root, "m.thread", "second");

        var forBob = Relations(await bob.GetEventAsync(roomId, root)).GetProperty("m.thread");
        var forAlice = Relations(await alice.GetEventAsync(roomId, root)).GetProperty("m.thread");
        var forCarol = Relations(await carol.GetEventAsync(roomId, root)).GetProperty("m.thread");

        Assert.Equal(latest, forBob.GetProperty("latest_event").GetProperty("event_id").GetString());
        Assert.Equal(2, forBob.GetProperty("count").GetInt32());
        Assert.True(forBob.GetProperty("current_user_participated").GetBoolean());
        Assert.True(forAlice.GetProperty("current_user_participated").GetBoolean());
        Assert.False(forCarol.GetProperty("current_user_participated").GetBoolean());
    }

    [Fact]
    public async Task An_event_bundles_the_ids_of_events_referencing_it()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        var parent = await alice.SendTextAsync(roomId, "poll");
        var one = await alice.RelateAsync(roomId, parent, "m.reference");
        var two = await alice.RelateAsync(roomId, parent, "m.reference");

        var reference = Relations(await alice.GetEventAsync(roomId, parent)).GetProperty("m.reference");

        Assert.Equal([one, two], reference.GetProperty("chunk").EventIds());
    }

    [Fact]
    public async Task Messages_pages_carry_bundled_aggregations_and_redacted_replies_are_not_counted()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        var root = await alice.SendTextAsync(roomId, "root");
        var kept = await alice.RelateAsync(roomId, root, "m.thread", "kept");
        var redacted = await alice.RelateAsync(roomId, root, "m.thread", "gone");
        await alice.RedactAsync(roomId, redacted);

        var messages = await alice.GetJsonAsync($"/_matrix/client/v3/rooms/{Escape(roomId)}/messages?dir=b&limit=50");
        var rootEvent = messages.GetProperty("chunk").EnumerateArray()
            .Single(e => e.GetProperty("event_id").GetString() == root);
        var thread = Relations(rootEvent).GetProperty("m.thread");

        Assert.Equal(1, thread.GetProperty("count").GetInt32());
        Assert.Equal(kept, thread.GetProperty("latest_event").GetProperty("event_id").GetString());
    }

    [Fact]
    public async Task Annotations_are_not_bundled()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        var parent = await alice.SendTextAsync(roomId, "react to me");
        await alice.ReactAsync(roomId, parent, "👍");

        var formatted = await alice.GetEventAsync(roomId, parent);

        Assert.False(formatted.GetProperty("unsigned").TryGetProperty("m.relations", out _));
    }
}
