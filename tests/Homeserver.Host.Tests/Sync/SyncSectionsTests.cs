using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Sync;

/// <summary>GET /sync: the knock section, state_after (use_state_after), redundant lazy members, thread counts.</summary>
public sealed class SyncSectionsTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private const string LazyFilter = """{"room":{"timeline":{"limit":1},"state":{"lazy_load_members":true}}}""";
    private const string LazyRedundantFilter =
        """{"room":{"timeline":{"limit":1},"state":{"lazy_load_members":true,"include_redundant_members":true}}}""";

    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task A_knock_appears_in_the_knock_section_with_stripped_state_and_the_knock_event()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync(new JsonObject
        {
            ["name"] = "Knock here",
            ["initial_state"] = new JsonArray(new JsonObject
            {
                ["type"] = "m.room.join_rules", ["state_key"] = "", ["content"] = new JsonObject { ["join_rule"] = "knock" },
            }),
        });
        var since = (await bob.SyncAsync()).NextBatch();

        await MatrixAssert.OkAsync(await bob.Client.PostAsJsonAsync("/_matrix/client/v3/knock/" + RoomSteps.Escape(room),
            new JsonObject { ["reason"] = "let me in" }));

        var sync = await bob.SyncAsync(since: since);
        var knocked = sync.Room("knock", room)!.Value.GetProperty("knock_state").GetProperty("events")
            .EnumerateArray().ToList();
        Assert.Contains(knocked, e => e.GetProperty("type").GetString() == "m.room.name");
        Assert.Contains(knocked, e => e.GetProperty("type").GetString() == "m.room.member" &&
                                      e.GetProperty("state_key").GetString() == bob.UserId &&
                                      e.GetProperty("content").GetProperty("membership").GetString() == "knock");
        Assert.Null(sync.Room("invite", room));
        Assert.Null((await bob.SyncAsync(since: sync.NextBatch())).Room("knock", room));
    }

    [Fact]
    public async Task State_after_replaces_state_and_includes_state_changes_in_the_timeline()
    {
        var alice = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync();
        var since = (await alice.SyncAsync()).NextBatch();
        await alice.SetStateAsync(room, "m.room.name", "", new JsonObject { ["name"] = "Renamed" });
        await alice.SendTextAsync(room, "after the rename");

        var joined = (await alice.SyncAsync(since: since, extraQuery: "use_state_after=true")).Room("join", room)!.Value;

        Assert.False(joined.TryGetProperty("state", out _));
        Assert.Equal([("m.room.name", "")], joined.StateKeys("state_after"));
        Assert.Contains("m.room.name", joined.Timeline().EnumerateArray().Select(e => e.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task Without_use_state_after_state_changes_in_the_timeline_stay_out_of_state()
    {
        var alice = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync();
        var since = (await alice.SyncAsync()).NextBatch();
        await alice.SetStateAsync(room, "m.room.name", "", new JsonObject { ["name"] = "Renamed" });

        var joined = (await alice.SyncAsync(since: since)).Room("join", room)!.Value;

        Assert.Empty(joined.StateKeys());
        Assert.False(joined.TryGetProperty("state_after", out _));
    }

    [Fact]
    public async Task Initial_state_after_is_the_whole_state_at_the_end_of_the_timeline()
    {
        var alice = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync(new JsonObject { ["name"] = "Whole" });

        var joined = (await alice.SyncAsync(extraQuery: "use_state_after=true")).Room("join", room)!.Value;

        var state = joined.StateKeys("state_after");
        Assert.Contains(("m.room.create", ""), state);
        Assert.Contains(("m.room.name", ""), state);
        Assert.Contains(("m.room.member", alice.UserId), state);
    }

    [Fact]
    public async Task Lazy_loading_sends_a_senders_member_event_once_unless_redundant_members_are_asked_for()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        await bob.JoinAsync(room);
        await bob.SendTextAsync(room, "one");
        var first = await alice.SyncAsync(filter: LazyFilter);
        Assert.Contains(("m.room.member", bob.UserId), first.Room("join", room)!.Value.StateKeys());

        await bob.SendTextAsync(room, "two");
        var second = await alice.SyncAsync(since: first.NextBatch(), filter: LazyFilter);
        Assert.DoesNotContain(("m.room.member", bob.UserId), second.Room("join", room)!.Value.StateKeys());

        await bob.SendTextAsync(room, "three");
        var redundant = await alice.SyncAsync(since: second.NextBatch(), filter: LazyRedundantFilter);
        Assert.Contains(("m.room.member", bob.UserId), redundant.Room("join", room)!.Value.StateKeys());
    }

    [Fact]
    public async Task Thread_notification_counts_are_given_when_the_filter_asks_for_them()
    {
        var alice = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync();

        var asked = (await alice.SyncAsync(filter: """{"room":{"timeline":{"unread_thread_notifications":true}}}"""))
            .Room("join", room)!.Value;
        var notAsked = (await alice.SyncAsync()).Room("join", room)!.Value;

        Assert.Empty(asked.GetProperty("unread_thread_notifications").EnumerateObject());
        Assert.False(notAsked.TryGetProperty("unread_thread_notifications", out _));
        Assert.Equal(0, notAsked.GetProperty("unread_notifications").GetProperty("highlight_count").GetInt32());
    }

    [Fact]
    public async Task A_quiet_room_with_only_a_new_receipt_comes_with_the_receipt_and_no_timeline()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        await bob.JoinAsync(room);
        var message = await alice.SendTextAsync(room, "read me");
        var since = (await alice.SyncAsync()).NextBatch();

        await MatrixAssert.OkAsync(await bob.Client.PostAsJsonAsync(
            $"/_matrix/client/v3/rooms/{RoomSteps.Escape(room)}/receipt/m.read/{RoomSteps.Escape(message)}",
            new JsonObject()));

        var joined = (await alice.SyncAsync(since: since)).Room("join", room)!.Value;
        Assert.Empty(joined.Timeline().EnumerateArray());
        Assert.Equal("m.receipt", joined.GetProperty("ephemeral").GetProperty("events")[0].GetProperty("type").GetString());
    }

    [Fact]
    public async Task Summary_heroes_are_joined_or_invited_members_else_those_who_left()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var carol = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        await bob.JoinAsync(room);
        await bob.LeaveAsync(room);

        var alone = (await alice.SyncAsync()).Room("join", room)!.Value.GetProperty("summary");
        Assert.Equal([bob.UserId], alone.GetProperty("m.heroes").EnumerateArray().Select(h => h.GetString()));
        Assert.Equal(1, alone.GetProperty("m.joined_member_count").GetInt32());

        await alice.InviteAsync(room, carol.UserId);
        var invited = (await alice.SyncAsync()).Room("join", room)!.Value.GetProperty("summary");
        Assert.Equal([carol.UserId], invited.GetProperty("m.heroes").EnumerateArray().Select(h => h.GetString()));
        Assert.Equal(1, invited.GetProperty("m.invited_member_count").GetInt32());
    }
}
