using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using Homeserver.Host.Tests.Sync;

namespace Homeserver.Host.Tests.Push;

/// <summary>Push rules evaluated as events are persisted: unread counts in /sync, receipts, threads, /notifications.</summary>
public sealed class PushNotificationTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private const string ThreadFilter = """{"room":{"timeline":{"unread_thread_notifications":true}}}""";

    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task A_mention_in_m_mentions_highlights_for_the_mentioned_user_only()
    {
        var (alice, bob, carol, room) = await RoomWithThreeAsync();

        await alice.SendAsync(room, "m.room.message", new JsonObject
        {
            ["msgtype"] = "m.text", ["body"] = "look at this",
            ["m.mentions"] = new JsonObject { ["user_ids"] = new JsonArray(bob.UserId) },
        });

        Assert.Equal((1, 1), Counts(await bob.SyncAsync(), room));
        Assert.Equal((1, 0), Counts(await carol.SyncAsync(), room));
        Assert.Equal((0, 0), Counts(await alice.SyncAsync(), room));
    }

    [Fact]
    public async Task A_display_name_in_a_body_without_m_mentions_highlights()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var carol = await Server.RegisterAsync();
        await MatrixAssert.OkAsync(await bob.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/profile/{RoomSteps.Escape(bob.UserId)}/displayname",
            new JsonObject { ["displayname"] = "Bobby Tables" }));
        var room = await alice.SharedRoomAsync(bob, carol); // bob's join carries his display name

        await alice.SendTextAsync(room, "hey bobby tables, are you there?");

        Assert.Equal((1, 1), Counts(await bob.SyncAsync(), room));
    }

    [Fact]
    public async Task A_read_receipt_clears_the_counts_and_the_room_comes_down_the_incremental_sync()
    {
        var (alice, bob, _, room) = await RoomWithThreeAsync();
        await alice.SendTextAsync(room, "one");
        var second = await alice.SendTextAsync(room, "two");
        var before = await bob.SyncAsync();
        Assert.Equal((2, 0), Counts(before, room));

        await MatrixAssert.OkAsync(await ReceiptAsync(bob, room, "m.read.private", second));

        var after = await bob.SyncAsync(since: before.NextBatch());
        Assert.Equal((0, 0), Counts(after, room));
    }

    [Fact]
    public async Task Thread_notifications_are_counted_apart_when_the_filter_asks_and_a_threaded_receipt_clears_only_its_thread()
    {
        var (alice, bob, _, room) = await RoomWithThreeAsync();
        var root = await alice.SendTextAsync(room, "root");
        var reply = await alice.RelateAsync(room, root, "m.thread", "in the thread");

        Assert.Equal((2, 0), Counts(await bob.SyncAsync(), room));
        var threaded = await bob.SyncAsync(filter: ThreadFilter);
        Assert.Equal((1, 0), Counts(threaded, room));
        Assert.Equal(1, ThreadCount(threaded, room, root));

        await MatrixAssert.OkAsync(await ReceiptAsync(bob, room, "m.read", reply, new JsonObject { ["thread_id"] = root }));

        var afterReceipt = await bob.SyncAsync(filter: ThreadFilter);
        Assert.Equal((1, 0), Counts(afterReceipt, room));
        Assert.Equal(0, ThreadCount(afterReceipt, room, root));
    }

    [Fact]
    public async Task An_unthreaded_receipt_clears_every_thread_up_to_its_event()
    {
        var (alice, bob, _, room) = await RoomWithThreeAsync();
        var root = await alice.SendTextAsync(room, "root");
        await alice.RelateAsync(room, root, "m.thread", "in the thread");
        var last = await alice.SendTextAsync(room, "after");
        await alice.SendTextAsync(room, "unread");

        await MatrixAssert.OkAsync(await ReceiptAsync(bob, room, "m.read", last));

        Assert.Equal((1, 0), Counts(await bob.SyncAsync(), room));
    }

    [Fact]
    public async Task A_disabled_rule_stops_notifications()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var carol = await Server.RegisterAsync();
        await StorePushRulesAsync(bob.UserId, """
            {"global": {"underride": [{"rule_id": ".m.rule.message", "default": true, "enabled": false,
              "conditions": [{"kind": "event_match", "key": "type", "pattern": "m.room.message"}],
              "actions": ["notify"]}]}}
            """);
        var room = await alice.SharedRoomAsync(bob, carol);

        await alice.SendTextAsync(room, "nobody pings bob for this");

        Assert.Equal((0, 0), Counts(await bob.SyncAsync(), room));
        Assert.Equal((1, 0), Counts(await carol.SyncAsync(), room));
    }

    [Fact]
    public async Task Notifications_page_newest_first_mark_read_ones_and_filter_highlights()
    {
        var (alice, bob, _, room) = await RoomWithThreeAsync();
        var first = await alice.SendTextAsync(room, "first");
        var mention = await alice.SendAsync(room, "m.room.message", new JsonObject
        {
            ["msgtype"] = "m.text", ["body"] = "second",
            ["m.mentions"] = new JsonObject { ["user_ids"] = new JsonArray(bob.UserId) },
        });
        var third = await alice.SendTextAsync(room, "third");
        await MatrixAssert.OkAsync(await ReceiptAsync(bob, room, "m.read", first));

        var page = await bob.GetJsonAsync("/_matrix/client/v3/notifications?limit=2");
        Assert.Equal([third, mention], EventIds(page));
        Assert.All(page.GetProperty("notifications").EnumerateArray(), n =>
        {
            Assert.False(n.GetProperty("read").GetBoolean());
            Assert.Equal(room, n.GetProperty("room_id").GetString());
            Assert.True(n.GetProperty("ts").GetInt64() > 0);
        });
        var next = page.GetProperty("next_token").GetString()!;
        var rest = await bob.GetJsonAsync("/_matrix/client/v3/notifications?limit=2&from=" + Uri.EscapeDataString(next));
        Assert.Equal([first], EventIds(rest));
        Assert.True(rest.GetProperty("notifications")[0].GetProperty("read").GetBoolean());
        Assert.False(rest.TryGetProperty("next_token", out _));

        var highlights = await bob.GetJsonAsync("/_matrix/client/v3/notifications?only=highlight");
        Assert.Equal([mention], EventIds(highlights));
        Assert.Contains(highlights.GetProperty("notifications")[0].GetProperty("actions").EnumerateArray(),
            a => a.ValueKind == JsonValueKind.Object && a.GetProperty("set_tweak").GetString() == "highlight");
        Assert.Equal("second", highlights.GetProperty("notifications")[0].GetProperty("event").GetProperty("content")
            .GetProperty("body").GetString());
    }

    [Fact]
    public async Task Notifications_refuse_a_bad_token()
    {
        var bob = await Server.RegisterAsync();
        await MatrixAssert.ErrorAsync(await bob.Client.GetAsync("/_matrix/client/v3/notifications?from=nope"),
            System.Net.HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await MatrixAssert.ErrorAsync(await bob.Client.GetAsync("/_matrix/client/v3/notifications?limit=x"),
            System.Net.HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    private async Task<(TestSession Alice, TestSession Bob, TestSession Carol, string Room)> RoomWithThreeAsync()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var carol = await Server.RegisterAsync();
        return (alice, bob, carol, await alice.SharedRoomAsync(bob, carol));
    }

    private async Task StorePushRulesAsync(string userId, string content)
    {
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(Server.ConnectionString);
        await using var command = dataSource.CreateCommand("""
            INSERT INTO account_data (user_id, room_id, type, content, stream_id)
            VALUES ($1, '', 'm.push_rules', $2, nextval('account_data_stream_seq'))
            """);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = userId });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = content });
        await command.ExecuteNonQueryAsync();
    }

    private static Task<HttpResponseMessage> ReceiptAsync(TestSession session, string room, string type, string eventId,
        JsonObject? body = null) =>
        session.Client.PostAsJsonAsync(
            $"/_matrix/client/v3/rooms/{RoomSteps.Escape(room)}/receipt/{RoomSteps.Escape(type)}/{RoomSteps.Escape(eventId)}",
            body ?? new JsonObject());

    private static (long Notifications, long Highlights) Counts(JsonElement sync, string room)
    {
        var counts = sync.Room("join", room)!.Value.GetProperty("unread_notifications");
        return (counts.GetProperty("notification_count").GetInt64(), counts.GetProperty("highlight_count").GetInt64());
    }

    private static long ThreadCount(JsonElement sync, string room, string root) =>
        sync.Room("join", room)!.Value.GetProperty("unread_thread_notifications").TryGetProperty(root, out var thread)
            ? thread.GetProperty("notification_count").GetInt64()
            : 0;

    private static List<string> EventIds(JsonElement page) =>
        page.GetProperty("notifications").EnumerateArray()
            .Select(n => n.GetProperty("event").GetProperty("event_id").GetString()!).ToList();
}
