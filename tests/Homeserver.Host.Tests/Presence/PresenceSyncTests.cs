using System.Diagnostics;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using Homeserver.Host.Tests.Sync;

namespace Homeserver.Host.Tests.Presence;

/// <summary>m.presence in /sync: who is included, since when, through which filter, and set_presence.</summary>
public sealed class PresenceSyncTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private static readonly TimeSpan WellBeforeTimeout = TimeSpan.FromSeconds(10);

    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task Presence_of_a_room_mate_appears_in_initial_sync_and_a_strangers_does_not()
    {
        var (alice, bob) = await Server.RoomMatesAsync();
        var stranger = await Server.RegisterAsync();
        await alice.SetPresenceAsync("online", "here");
        await stranger.SetPresenceAsync("online", "also here");

        var sync = await bob.SyncAsync();

        var event_ = sync.PresenceEvents().Single(e => e.GetProperty("sender").GetString() == alice.UserId);
        Assert.Equal("m.presence", event_.GetProperty("type").GetString());
        Assert.Equal("online", event_.GetProperty("content").GetProperty("presence").GetString());
        Assert.Equal("here", event_.GetProperty("content").GetProperty("status_msg").GetString());
        Assert.True(event_.GetProperty("content").GetProperty("currently_active").GetBoolean());
        Assert.InRange(event_.GetProperty("content").GetProperty("last_active_ago").GetInt64(), 0, 10_000);
        Assert.Null(sync.PresenceOf(stranger.UserId));
        Assert.Equal("online", sync.PresenceOf(bob.UserId).State()); // one's own, brought online by this sync
    }

    [Fact]
    public async Task Initial_sync_leaves_out_offline_room_mates()
    {
        var (alice, bob) = await Server.RoomMatesAsync();
        await alice.SetPresenceAsync("offline", "gone fishing");

        var sync = await bob.SyncAsync();

        Assert.Null(sync.PresenceOf(alice.UserId));
    }

    [Fact]
    public async Task Incremental_sync_has_only_presence_changed_since_the_token()
    {
        var (alice, bob) = await Server.RoomMatesAsync();
        var carol = await Server.RegisterAsync();
        await alice.SharedRoomAsync(carol); // carol shares a room with alice, not with bob
        await alice.SetPresenceAsync("online");
        var since = (await bob.SyncAsync()).NextBatch();

        await alice.SetPresenceAsync("unavailable", "brb");
        await carol.SetPresenceAsync("online");
        var changed = await bob.SyncAsync(since: since);
        var nothingNew = await bob.SyncAsync(since: changed.NextBatch());

        Assert.Equal("unavailable", changed.PresenceOf(alice.UserId).State());
        Assert.Equal("brb", changed.PresenceOf(alice.UserId)!.Value.GetProperty("status_msg").GetString());
        Assert.Null(changed.PresenceOf(carol.UserId));
        Assert.Empty(nothingNew.PresenceEvents());
    }

    [Fact]
    public async Task The_presence_filter_selects_senders_and_types_and_limits_the_count()
    {
        var (alice, bob) = await Server.RoomMatesAsync();
        var carol = await Server.RegisterAsync();
        await alice.SharedRoomAsync(bob, carol);
        await alice.SetPresenceAsync("online");
        await carol.SetPresenceAsync("online");
        await bob.SetPresenceAsync("online");

        var notAlice = await bob.SyncAsync(filter: Filter(new JsonObject { ["not_senders"] = new JsonArray(alice.UserId) }));
        var onlyCarol = await bob.SyncAsync(filter: Filter(new JsonObject { ["senders"] = new JsonArray(carol.UserId) }));
        var otherTypes = await bob.SyncAsync(filter: Filter(new JsonObject { ["types"] = new JsonArray("m.other") }));
        var notPresence = await bob.SyncAsync(filter: Filter(new JsonObject { ["not_types"] = new JsonArray("m.*") }));
        var limited = await bob.SyncAsync(filter: Filter(new JsonObject { ["limit"] = 1 }));

        Assert.Null(notAlice.PresenceOf(alice.UserId));
        Assert.NotNull(notAlice.PresenceOf(carol.UserId));
        Assert.Equal([carol.UserId], onlyCarol.PresenceEvents().Select(e => e.GetProperty("sender").GetString()));
        Assert.Empty(otherTypes.PresenceEvents());
        Assert.Empty(notPresence.PresenceEvents());
        Assert.Single(limited.PresenceEvents());
    }

    [Fact]
    public async Task Sync_brings_a_user_online_by_default()
    {
        var (alice, bob) = await Server.RoomMatesAsync();
        var since = (await bob.SyncAsync()).NextBatch();

        await alice.SyncAsync();
        var sync = await bob.SyncAsync(since: since);

        Assert.Equal("online", sync.PresenceOf(alice.UserId).State());
    }

    [Fact]
    public async Task Sync_with_set_presence_unavailable_marks_the_user_idle()
    {
        var (alice, bob) = await Server.RoomMatesAsync();
        await alice.SetPresenceAsync("online");

        await alice.SyncSettingPresenceAsync("unavailable");

        Assert.Equal("unavailable", (await bob.GetPresenceAsync(alice.UserId)).GetProperty("presence").GetString());
    }

    [Fact]
    public async Task Sync_with_set_presence_offline_changes_nothing()
    {
        var (alice, bob) = await Server.RoomMatesAsync();
        await alice.SetPresenceAsync("unavailable", "away");

        await alice.SyncSettingPresenceAsync("offline");
        var away = await bob.GetPresenceAsync(alice.UserId);
        await bob.SyncSettingPresenceAsync("offline");
        var neverOnline = await bob.GetPresenceAsync(bob.UserId);

        Assert.Equal("unavailable", away.GetProperty("presence").GetString());
        Assert.Equal("away", away.GetProperty("status_msg").GetString());
        Assert.Equal("offline", neverOnline.GetProperty("presence").GetString());
    }

    [Fact]
    public async Task An_unknown_set_presence_is_an_invalid_parameter()
    {
        var alice = await Server.RegisterAsync();

        var response = await alice.Client.GetAsync("/_matrix/client/v3/sync?set_presence=busy");

        await MatrixAssert.ErrorAsync(response, System.Net.HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task A_presence_change_wakes_a_room_mates_long_poll()
    {
        var (alice, bob) = await Server.RoomMatesAsync();
        var since = (await bob.SyncAsync()).NextBatch();
        var clock = Stopwatch.StartNew();
        var poll = await bob.LongPollAsync(since);
        Assert.False(poll.IsCompleted);

        await alice.SetPresenceAsync("unavailable", "wake up");

        var sync = await poll;
        Assert.True(clock.Elapsed < WellBeforeTimeout, $"took {clock.Elapsed}");
        Assert.Equal("unavailable", sync.PresenceOf(alice.UserId).State());
    }

    private static string Filter(JsonObject presence) => new JsonObject { ["presence"] = presence }.ToJsonString();
}
