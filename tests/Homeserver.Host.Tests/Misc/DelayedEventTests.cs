using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using Homeserver.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Misc;

/// <summary>Delayed events (MSC4140): scheduled through /send and /state, sent by the server on its clock.</summary>
public sealed class DelayedEventTests
{
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(10);

    private static Task<LiveServer> StartAsync(ManualClock clock, string? connectionString = null) =>
        LiveServer.StartAsync(connectionString, services: s => s.AddSingleton<TimeProvider>(clock));

    [Fact]
    public async Task A_delayed_message_is_listed_until_due_then_sent_by_the_server()
    {
        var clock = new ManualClock();
        await using var server = await StartAsync(clock);
        var alice = await server.RegisterAsync();
        var room = await alice.CreateRoomAsync();

        var delayId = await alice.SendDelayedAsync(room, "I am now offline", (long)Delay.TotalMilliseconds);
        var scheduled = await alice.DelayedEventAsync(delayId);
        Assert.Equal(room, scheduled.GetProperty("room_id").GetString());
        Assert.Equal("m.room.message", scheduled.GetProperty("type").GetString());
        Assert.Equal(10_000, scheduled.GetProperty("delay").GetInt64());
        Assert.Equal(clock.GetUtcNow().ToUnixTimeMilliseconds(), scheduled.GetProperty("running_since").GetInt64());
        Assert.Equal("I am now offline", scheduled.GetProperty("content").GetProperty("body").GetString());
        Assert.False(scheduled.TryGetProperty("state_key", out _));
        Assert.DoesNotContain("I am now offline", (await alice.MessagesAsync(room, "dir=b")).GetProperty("chunk").Bodies());

        await clock.SchedulerWaitsAsync(Delay);
        clock.Advance(Delay);
        var sent = await alice.FinalisedAsync(delayId);

        Assert.Equal("send", sent.GetProperty("outcome").GetString());
        Assert.Equal("delay", sent.GetProperty("reason").GetString());
        var eventId = sent.GetProperty("event_id").GetString()!;
        var stored = await MatrixAssert.OkAsync(await alice.Client.GetAsync(
            $"/_matrix/client/v3/rooms/{RoomSteps.Escape(room)}/event/{RoomSteps.Escape(eventId)}"));
        Assert.Equal("I am now offline", stored.GetProperty("content").GetProperty("body").GetString());
        Assert.Empty(await alice.DelayedEventsAsync("scheduled"));
        Assert.Single(await alice.DelayedEventsAsync("finalised"));
    }

    [Fact]
    public async Task A_retried_put_with_the_same_transaction_gets_the_same_delay_id()
    {
        await using var server = await StartAsync(new ManualClock());
        var alice = await server.RegisterAsync();
        var room = await alice.CreateRoomAsync();

        var first = await alice.SendDelayedAsync(room, "once", 10_000, "txn-1");
        var again = await alice.SendDelayedAsync(room, "once", 10_000, "txn-1");

        Assert.Equal(first, again);
        Assert.Single(await alice.DelayedEventsAsync());
    }

    [Fact]
    public async Task Restarting_moves_the_send_time_to_now_plus_the_delay()
    {
        var clock = new ManualClock();
        await using var server = await StartAsync(clock);
        var alice = await server.RegisterAsync();
        var room = await alice.CreateRoomAsync();
        var delayId = await alice.SendDelayedAsync(room, "hang up", 10_000);
        await clock.SchedulerWaitsAsync(Delay);

        clock.Advance(TimeSpan.FromSeconds(6));
        var restart = await server.Anonymous.ActAsync(delayId, "restart");
        await MatrixAssert.OkAsync(restart);
        await clock.SchedulerWaitsAsync(Delay);
        clock.Advance(TimeSpan.FromSeconds(6));

        var running = await alice.DelayedEventAsync(delayId);
        Assert.False(running.TryGetProperty("outcome", out _));
        Assert.Equal(clock.GetUtcNow().ToUnixTimeMilliseconds() - 6_000, running.GetProperty("running_since").GetInt64());
        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal("send", (await alice.FinalisedAsync(delayId)).GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Cancel_and_send_are_idempotent_and_conflict_with_each_other()
    {
        await using var server = await StartAsync(new ManualClock());
        var alice = await server.RegisterAsync();
        var room = await alice.CreateRoomAsync();
        var cancelled = await alice.SendDelayedAsync(room, "never", 10_000);
        var sentNow = await alice.SendDelayedAsync(room, "right now", 10_000);

        await MatrixAssert.OkAsync(await server.Anonymous.ActAsync(cancelled, "cancel"));
        await MatrixAssert.OkAsync(await server.Anonymous.ActAsync(cancelled, "cancel"));
        await MatrixAssert.ErrorAsync(await server.Anonymous.ActAsync(cancelled, "send"), HttpStatusCode.Conflict, "M_UNKNOWN");
        await MatrixAssert.ErrorAsync(await server.Anonymous.ActAsync(cancelled, "restart"), HttpStatusCode.Conflict, "M_UNKNOWN");
        await MatrixAssert.OkAsync(await alice.Client.PostAsJsonAsync($"{DelayedEventSteps.Prefix}/{sentNow}",
            new JsonObject { ["action"] = "send" }));
        await MatrixAssert.OkAsync(await server.Anonymous.ActAsync(sentNow, "send"));
        await MatrixAssert.ErrorAsync(await server.Anonymous.ActAsync(sentNow, "cancel"), HttpStatusCode.Conflict, "M_UNKNOWN");

        var events = await alice.DelayedEventsAsync("finalised");
        Assert.Equal(("cancel", "action"), Outcome(events.Single(e => e.GetProperty("delay_id").GetString() == cancelled)));
        Assert.Equal(("send", "action"), Outcome(events.Single(e => e.GetProperty("delay_id").GetString() == sentNow)));
        Assert.Equal(["right now"], (await alice.MessagesAsync(room, "dir=b")).GetProperty("chunk").Bodies());
        await MatrixAssert.ErrorAsync(await server.Anonymous.ActAsync("syd_nonesuch", "cancel"), HttpStatusCode.NotFound,
            "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await server.Anonymous.ActAsync(sentNow, "explode"), HttpStatusCode.BadRequest,
            "M_INVALID_PARAM");
    }

    [Fact]
    public async Task A_delay_beyond_the_maximum_or_not_a_positive_number_is_refused()
    {
        await using var server = await LiveServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["DelayedEvents:MaxDelaySeconds"] = "60",
        });
        var alice = await server.RegisterAsync();
        var room = await alice.CreateRoomAsync();
        var content = new JsonObject { ["msgtype"] = "m.text", ["body"] = "x" };

        var tooLong = await MatrixAssert.ErrorAsync(await alice.TrySendDelayedAsync(room, "m.room.message", content, 60_001),
            HttpStatusCode.BadRequest, "ORG.MATRIX.MSC4140_MAX_DELAY_EXCEEDED");
        Assert.Equal(60_000, tooLong.GetProperty("org.matrix.msc4140.max_delay").GetInt64());
        await MatrixAssert.ErrorAsync(await alice.TrySendDelayedAsync(room, "m.room.message", content, 0),
            HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await MatrixAssert.OkAsync(await alice.TrySendDelayedAsync(room, "m.room.message", content, 60_000));
    }

    [Fact]
    public async Task Power_levels_apply_when_the_event_is_sent_and_a_refusal_is_kept_as_the_error()
    {
        var clock = new ManualClock();
        await using var server = await StartAsync(clock);
        var owner = await server.RegisterAsync();
        var bob = await server.RegisterAsync();
        var room = await owner.SharedRoomAsync(bob);
        var delayId = await bob.SendDelayedAsync(room, "too late", 10_000);
        await clock.SchedulerWaitsAsync(Delay);

        await bob.LeaveAsync(room);
        clock.Advance(Delay);
        var failed = await bob.FinalisedAsync(delayId);

        Assert.Equal(("cancel", "error"), Outcome(failed));
        Assert.Equal("M_FORBIDDEN", failed.GetProperty("error").GetProperty("errcode").GetString());
    }

    [Fact]
    public async Task Someone_else_setting_the_same_state_cancels_a_delayed_state_event_but_its_owner_does_not()
    {
        await using var server = await StartAsync(new ManualClock());
        var owner = await server.RegisterAsync();
        var bob = await server.RegisterAsync();
        var room = await owner.SharedRoomAsync(bob);
        var call = new JsonObject { ["application"] = "m.call", ["call_id"] = "" };
        var byOwner = await owner.SetStateDelayedAsync(room, "org.example.call.member", "k", new JsonObject(), 10_000);
        var other = await owner.SetStateDelayedAsync(room, "org.example.call.member", "other", new JsonObject(), 10_000);

        await owner.SetStateAsync(room, "org.example.call.member", "k", call);
        Assert.False((await owner.DelayedEventAsync(byOwner)).TryGetProperty("outcome", out _));
        await MatrixAssert.OkAsync(await owner.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/rooms/{RoomSteps.Escape(room)}/state/m.room.power_levels/",
            PowerLevelsWith(await PowerLevelsAsync(owner, room), bob.UserId)));
        await bob.SetStateAsync(room, "org.example.call.member", "k", call);

        var cancelled = await owner.DelayedEventAsync(byOwner);
        Assert.Equal(("cancel", "error"), Outcome(cancelled));
        Assert.Equal("M_CANCELLED_BY_STATE_UPDATE",
            cancelled.GetProperty("error").GetProperty("org.matrix.msc4140.errcode").GetString());
        Assert.Equal("k", cancelled.GetProperty("state_key").GetString());
        Assert.False((await owner.DelayedEventAsync(other)).TryGetProperty("outcome", out _));
    }

    [Fact]
    public async Task Events_due_while_the_server_was_down_are_sent_when_it_starts()
    {
        string connectionString, room, delayId;
        TestSession alice;
        await using (var first = await StartAsync(new ManualClock()))
        {
            connectionString = first.ConnectionString;
            alice = await first.RegisterAsync();
            room = await alice.CreateRoomAsync();
            delayId = await alice.SendDelayedAsync(room, "sent after the restart", 10_000);
        }

        var later = new ManualClock();
        later.Advance(TimeSpan.FromMinutes(5));
        await using var second = await StartAsync(later, connectionString);
        var session = alice with { Client = second.NewClient(alice.AccessToken) };

        var sent = await session.FinalisedAsync(delayId);
        Assert.Equal(("send", "delay"), Outcome(sent));
        Assert.Equal(["sent after the restart"], (await session.MessagesAsync(room, "dir=b")).GetProperty("chunk").Bodies());
    }

    [Fact]
    public async Task Two_processes_on_one_database_send_each_due_state_event_once()
    {
        var clockA = new ManualClock();
        var clockB = new ManualClock();
        await using var a = await StartAsync(clockA);
        await using var b = await StartAsync(clockB, a.ConnectionString);
        var alice = await a.RegisterAsync();
        var room = await alice.CreateRoomAsync();
        var delayIds = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            delayIds.Add(await alice.SetStateDelayedAsync(room, "org.example.left", $"device{i}",
                new JsonObject { ["n"] = i }, 10_000));
        }

        await clockA.SchedulerWaitsAsync(Delay);
        clockA.Advance(Delay);
        clockB.Advance(Delay);
        foreach (var delayId in delayIds)
        {
            Assert.Equal("send", (await alice.FinalisedAsync(delayId)).GetProperty("outcome").GetString());
        }

        var sent = (await alice.MessageListAsync(room)).Where(e => e.GetProperty("type").GetString() == "org.example.left");
        Assert.Equal(8, sent.Count());
    }

    private static (string, string) Outcome(System.Text.Json.JsonElement delayed) =>
        (delayed.GetProperty("outcome").GetString()!, delayed.GetProperty("reason").GetString()!);

    private static async Task<JsonObject> PowerLevelsAsync(TestSession session, string room) =>
        JsonNode.Parse((await MatrixAssert.OkAsync(await session.Client.GetAsync(
            $"/_matrix/client/v3/rooms/{RoomSteps.Escape(room)}/state/m.room.power_levels/"))).GetRawText())!.AsObject();

    private static JsonObject PowerLevelsWith(JsonObject levels, string userId)
    {
        levels["users"]![userId] = 100;
        return levels;
    }
}
