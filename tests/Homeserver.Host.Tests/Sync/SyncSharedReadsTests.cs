using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Sync;

/// <summary>
/// Syncs of one room at the same positions share reads (the room's new events, which parents have relations, the
/// member summary, the state at a group): what each user is sent from them is still theirs alone.
/// </summary>
public sealed class SyncSharedReadsTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private const string LazyFilter = """{"room":{"timeline":{"limit":10},"state":{"lazy_load_members":true}}}""";

    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task Syncs_at_the_same_position_each_get_only_the_events_their_history_visibility_allows()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var dave = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        await alice.SetVisibilityAsync(room, "joined");
        await bob.JoinAsync(room);
        var (bobSince, daveSince) = ((await bob.SyncAsync()).NextBatch(), (await dave.SyncAsync()).NextBatch());
        await alice.SendTextAsync(room, "before dave");
        await dave.JoinAsync(room);
        await alice.SendTextAsync(room, "after dave");

        var syncs = await Task.WhenAll(bob.SyncAsync(since: bobSince, filter: LazyFilter),
            dave.SyncAsync(since: daveSince, filter: LazyFilter));

        Assert.Equal(["before dave", "after dave"], syncs[0].Room("join", room)!.Value.Timeline().Bodies());
        Assert.Equal(["after dave"], syncs[1].Room("join", room)!.Value.Timeline().Bodies());
    }

    [Fact]
    public async Task Syncs_at_the_same_position_get_timelines_and_thread_summaries_of_their_own_ignore_lists()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var carol = await Server.RegisterAsync();
        var dave = await Server.RegisterAsync();
        var room = await alice.SharedRoomAsync(bob, carol, dave);
        await bob.IgnoreAsync(carol.UserId);
        var (bobSince, daveSince) = ((await bob.SyncAsync()).NextBatch(), (await dave.SyncAsync()).NextBatch());
        var root = await alice.SendTextAsync(room, "root");
        await carol.RelateAsync(room, root, "m.thread", "carol's reply");
        await carol.SendTextAsync(room, "carol in the room");

        var syncs = await Task.WhenAll(bob.SyncAsync(since: bobSince, filter: LazyFilter),
            dave.SyncAsync(since: daveSince, filter: LazyFilter));

        var forBob = syncs[0].Room("join", room)!.Value.Timeline();
        var forDave = syncs[1].Room("join", room)!.Value.Timeline();
        Assert.Equal(["root"], forBob.Bodies());
        Assert.False(Bundle(forBob, root).HasValue);
        Assert.Equal(["root", "carol's reply", "carol in the room"], forDave.Bodies());
        Assert.Equal(1, Bundle(forDave, root)!.Value.GetProperty("m.thread").GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task An_incremental_lazy_sync_sends_the_member_event_of_a_sender_new_to_the_device()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var carol = await Server.RegisterAsync();
        var room = await alice.SharedRoomAsync(bob, carol);
        await bob.SendTextAsync(room, "from bob");
        // A timeline of one: carol's join is not in it, so the device has not been sent her member event.
        var first = await alice.SyncAsync(
            filter: """{"room":{"timeline":{"limit":1},"state":{"lazy_load_members":true}}}""");
        Assert.DoesNotContain(("m.room.member", carol.UserId), first.Room("join", room)!.Value.StateKeys());

        await carol.SendTextAsync(room, "carol's first");
        await bob.SendTextAsync(room, "bob again");
        var next = (await alice.SyncAsync(since: first.NextBatch(), filter: LazyFilter)).Room("join", room)!.Value;

        Assert.False(next.GetProperty("timeline").GetProperty("limited").GetBoolean());
        var members = next.StateKeys().Where(k => k.Type == "m.room.member").Select(k => k.StateKey).ToList();
        Assert.Equal([carol.UserId], members);
    }

    [Fact]
    public async Task Member_summaries_sent_at_the_same_position_never_name_the_syncing_user_as_a_hero()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var room = await alice.SharedRoomAsync(bob);
        var (aliceSince, bobSince) = ((await alice.SyncAsync()).NextBatch(), (await bob.SyncAsync()).NextBatch());
        var carol = await Server.RegisterAsync();
        await carol.JoinAsync(room);

        var syncs = await Task.WhenAll(alice.SyncAsync(since: aliceSince), bob.SyncAsync(since: bobSince));

        Assert.Equal([bob.UserId, carol.UserId], Heroes(syncs[0], room));
        Assert.Equal([alice.UserId, carol.UserId], Heroes(syncs[1], room));
        Assert.Equal(3, syncs[1].Room("join", room)!.Value.GetProperty("summary")
            .GetProperty("m.joined_member_count").GetInt32());
    }

    private static JsonElement? Bundle(JsonElement timeline, string eventId)
    {
        var e = timeline.EnumerateArray().Single(x => x.GetProperty("event_id").GetString() == eventId);
        return e.TryGetProperty("unsigned", out var unsigned) && unsigned.TryGetProperty("m.relations", out var bundle)
            ? bundle
            : null;
    }

    private static List<string> Heroes(JsonElement sync, string room) =>
        sync.Room("join", room)!.Value.GetProperty("summary").GetProperty("m.heroes").EnumerateArray()
            .Select(h => h.GetString()!).ToList();
}
