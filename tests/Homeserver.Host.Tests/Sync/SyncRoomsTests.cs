using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Sync;

/// <summary>GET /sync: tokens, joined rooms (timeline, state, summary), invites, leaves, account data.</summary>
public sealed class SyncRoomsTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Theory]
    [InlineData("garbage")]
    [InlineData("s12_x")]
    [InlineData("")]
    public async Task Invalid_since_tokens_are_rejected_as_invalid_param(string token)
    {
        var alice = await Server.RegisterAsync();
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync("/_matrix/client/v3/sync?since=" +
            RoomSteps.Escape(token)), HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task A_token_with_only_the_event_stream_still_works_for_incremental_sync()
    {
        var alice = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync();
        var next = (await alice.SyncAsync()).NextBatch();
        var eventsOnly = next[..next.IndexOf('_', StringComparison.Ordinal)];
        await alice.SendTextAsync(room, "after");
        var sync = await alice.SyncAsync(since: eventsOnly);
        Assert.Equal(["after"], sync.Room("join", room)!.Value.Timeline().Bodies());
    }

    [Fact]
    public async Task Initial_sync_gives_the_room_with_state_before_the_timeline_and_a_summary()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat", ["name"] = "Hall" });
        await bob.JoinAsync(room);
        await alice.SendTextAsync(room, "hello");
        var joined = (await alice.SyncAsync(filter: """{"room":{"timeline":{"limit":2}}}""")).Room("join", room)!.Value;
        Assert.Equal(["hello"], joined.Timeline().Bodies());
        Assert.True(joined.GetProperty("timeline").GetProperty("limited").GetBoolean());
        var state = joined.StateKeys();
        Assert.Contains(("m.room.create", ""), state);
        Assert.Contains(("m.room.name", ""), state);
        Assert.Contains(("m.room.member", alice.UserId), state);
        var timelineIds = joined.Timeline().EventIds();
        Assert.DoesNotContain(joined.GetProperty("state").GetProperty("events").EventIds(), timelineIds.Contains);
        var summary = joined.GetProperty("summary");
        Assert.Equal(2, summary.GetProperty("m.joined_member_count").GetInt32());
        Assert.Equal(0, summary.GetProperty("m.invited_member_count").GetInt32());
        Assert.Equal([bob.UserId], summary.GetProperty("m.heroes").EnumerateArray().Select(h => h.GetString()));
        Assert.Equal(0, joined.GetProperty("unread_notifications").GetProperty("notification_count").GetInt32());
    }

    [Fact]
    public async Task Incremental_sync_gives_only_new_events_and_omits_unchanged_rooms()
    {
        var alice = await Server.RegisterAsync();
        var quiet = await alice.CreateRoomAsync();
        var busy = await alice.CreateRoomAsync();
        var first = await alice.SyncAsync();
        await alice.SendTextAsync(busy, "new");
        var second = await alice.SyncAsync(since: first.NextBatch());
        Assert.Null(second.Room("join", quiet));
        var joined = second.Room("join", busy)!.Value;
        Assert.Equal(["new"], joined.Timeline().Bodies());
        Assert.Single(joined.Timeline().EnumerateArray());
        Assert.False(joined.GetProperty("timeline").GetProperty("limited").GetBoolean());
        Assert.Empty(joined.StateKeys());
        var third = await alice.SyncAsync(since: second.NextBatch());
        Assert.Null(third.Room("join", busy));
    }

    [Fact]
    public async Task A_limited_timeline_has_a_prev_batch_that_pages_on_with_messages()
    {
        var alice = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync();
        var since = (await alice.SyncAsync()).NextBatch();
        for (var i = 0; i < 5; i++)
        {
            await alice.SendTextAsync(room, $"m{i}");
        }

        var joined = (await alice.SyncAsync(since: since, filter: """{"room":{"timeline":{"limit":2}}}"""))
            .Room("join", room)!.Value;
        Assert.Equal(["m3", "m4"], joined.Timeline().Bodies());
        Assert.True(joined.GetProperty("timeline").GetProperty("limited").GetBoolean());
        var prev = joined.GetProperty("timeline").GetProperty("prev_batch").GetString()!;
        var page = await alice.MessagesAsync(room, $"dir=b&limit=3&from={prev}");
        Assert.Equal(["m2", "m1", "m0"], page.GetProperty("chunk").Bodies());
    }

    [Fact]
    public async Task Full_state_gives_the_whole_state_of_a_room_that_did_not_change()
    {
        var alice = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync();
        var since = (await alice.SyncAsync()).NextBatch();
        var sync = await alice.SyncAsync(since: since, fullState: true);
        Assert.Contains(("m.room.create", ""), sync.Room("join", room)!.Value.StateKeys());
    }

    [Fact]
    public async Task Lazy_loading_sends_only_the_members_of_the_timeline_senders()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var carol = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        await bob.JoinAsync(room);
        await carol.JoinAsync(room);
        await bob.SendTextAsync(room, "from bob");
        var joined = (await alice.SyncAsync(filter:
                """{"room":{"timeline":{"limit":1},"state":{"lazy_load_members":true}}}"""))
            .Room("join", room)!.Value;
        var members = joined.StateKeys().Where(k => k.Type == "m.room.member").Select(k => k.StateKey).ToList();
        Assert.Contains(bob.UserId, members);
        Assert.DoesNotContain(carol.UserId, members);
    }

    [Fact]
    public async Task An_invite_comes_with_stripped_state_and_the_invite_event()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync(new JsonObject { ["name"] = "Secret" });
        var since = (await bob.SyncAsync()).NextBatch();
        await alice.InviteAsync(room, bob.UserId);
        var invited = (await bob.SyncAsync(since: since)).Room("invite", room)!.Value;
        var stripped = invited.GetProperty("invite_state").GetProperty("events").EnumerateArray().ToList();
        Assert.Contains(stripped, e => e.GetProperty("type").GetString() == "m.room.name");
        Assert.Contains(stripped, e => e.GetProperty("type").GetString() == "m.room.create");
        Assert.Contains(stripped, e => e.GetProperty("type").GetString() == "m.room.member" &&
                                       e.GetProperty("state_key").GetString() == bob.UserId &&
                                       e.GetProperty("content").GetProperty("membership").GetString() == "invite");
        Assert.All(stripped, e => Assert.False(e.TryGetProperty("event_id", out _)));
    }

    [Fact]
    public async Task A_kicked_user_gets_the_room_in_leave_with_the_timeline_up_to_the_kick_only()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        await bob.JoinAsync(room);
        var since = (await bob.SyncAsync()).NextBatch();
        await alice.SendTextAsync(room, "before");
        await MatrixAssert.OkAsync(await alice.PostRoomAsync(room, "kick", new JsonObject { ["user_id"] = bob.UserId }));
        await alice.SendTextAsync(room, "after");
        var sync = await bob.SyncAsync(since: since);
        Assert.Null(sync.Room("join", room));
        var left = sync.Room("leave", room)!.Value;
        Assert.Equal(["before"], left.Timeline().Bodies());
        var last = left.Timeline().EnumerateArray().Last();
        Assert.Equal("m.room.member", last.GetProperty("type").GetString());
        Assert.Equal("leave", last.GetProperty("content").GetProperty("membership").GetString());
    }

    [Fact]
    public async Task Left_rooms_appear_in_an_initial_sync_only_with_include_leave()
    {
        var alice = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync();
        await alice.LeaveAsync(room);
        Assert.Null((await alice.SyncAsync()).Room("leave", room));
        Assert.NotNull((await alice.SyncAsync(filter: """{"room":{"include_leave":true}}""")).Room("leave", room));
    }

    [Fact]
    public async Task Timeline_events_follow_history_visibility()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        await alice.SetVisibilityAsync(room, "joined");
        await alice.SendTextAsync(room, "before bob");
        await bob.JoinAsync(room);
        await alice.SendTextAsync(room, "after bob");
        var joined = (await bob.SyncAsync()).Room("join", room)!.Value;
        Assert.Equal(["after bob"], joined.Timeline().Bodies());
    }

    [Fact]
    public async Task Account_data_changes_are_sent_globally_and_per_room_once()
    {
        var alice = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync();
        var since = (await alice.SyncAsync()).NextBatch();
        var user = Uri.EscapeDataString(alice.UserId);
        await MatrixAssert.OkAsync(await alice.Client.PutAsJsonAsync($"/_matrix/client/v3/user/{user}/account_data/org.example.a",
            new JsonObject { ["v"] = 1 }));
        await MatrixAssert.OkAsync(await alice.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/user/{user}/rooms/{Uri.EscapeDataString(room)}/account_data/org.example.b",
            new JsonObject { ["v"] = 2 }));
        var sync = await alice.SyncAsync(since: since);
        var global = sync.GetProperty("account_data").GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(1, Assert.Single(global, e => e.GetProperty("type").GetString() == "org.example.a")
            .GetProperty("content").GetProperty("v").GetInt32());
        var perRoom = sync.Room("join", room)!.Value.GetProperty("account_data").GetProperty("events");
        Assert.Equal("org.example.b", Assert.Single(perRoom.EnumerateArray()).GetProperty("type").GetString());
        var again = await alice.SyncAsync(since: sync.NextBatch());
        Assert.Empty(again.GetProperty("account_data").GetProperty("events").EnumerateArray());
        Assert.Null(again.Room("join", room));
    }
}
