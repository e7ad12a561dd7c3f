using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using Homeserver.Testing;
using Homeserver.Host.Tests.Sync;

namespace Homeserver.Host.Tests.Push;

/// <summary>
/// A message most members are notified of alike is stored as one shared push row with its exceptions (migration
/// 0044): every member's counts, /notifications and pushers must read it as if each had their own row, from where
/// their join began.
/// </summary>
public sealed class SharedPushActionTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task A_shared_row_counts_for_every_member_but_the_sender_and_a_member_whose_rules_decide_otherwise()
    {
        var alice = await Server.RegisterAsync();
        var members = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Server.RegisterAsync()));
        var muted = members[0];
        await DisableMessageRuleAsync(muted.UserId);
        var room = await alice.SharedRoomAsync(members);

        await alice.SendTextAsync(room, "hello everyone");
        var mention = await alice.SendAsync(room, "m.room.message", new JsonObject
        {
            ["msgtype"] = "m.text", ["body"] = "and you",
            ["m.mentions"] = new JsonObject { ["user_ids"] = new JsonArray(members[1].UserId) },
        });

        Assert.Equal(2, await SharedRowsAsync(room));
        Assert.Equal((0, 0), Counts(await alice.SyncAsync(), room));
        Assert.Equal((0, 0), Counts(await muted.SyncAsync(), room));
        Assert.Equal((2, 1), Counts(await members[1].SyncAsync(), room));
        Assert.Equal((2, 0), Counts(await members[2].SyncAsync(), room));
        Assert.Equal((2, 0), Counts(await members[3].SyncAsync(), room));
        Assert.Equal((2, 0), Counts(await members[4].SyncAsync(), room));
        var listed = await members[1].GetJsonAsync("/_matrix/client/v3/notifications");
        Assert.Equal(2, listed.GetProperty("notifications").GetArrayLength());
        Assert.Equal(mention, listed.GetProperty("notifications")[0].GetProperty("event").GetProperty("event_id")
            .GetString());
        Assert.Empty((await muted.GetJsonAsync("/_matrix/client/v3/notifications")).GetProperty("notifications")
            .EnumerateArray());
    }

    [Fact]
    public async Task A_member_who_joins_later_is_not_counted_for_earlier_messages()
    {
        var (alice, bob, room) = await RoomWithTwoAsync();
        await alice.SendTextAsync(room, "before carol");
        var carol = await Server.RegisterAsync();
        await carol.JoinAsync(room);

        Assert.Equal((0, 0), CountsOrZero(await carol.SyncAsync(), room));
        await alice.SendTextAsync(room, "after carol");

        Assert.Equal((1, 0), Counts(await carol.SyncAsync(), room));
        Assert.Equal((2, 0), Counts(await bob.SyncAsync(), room));
        Assert.Single((await carol.GetJsonAsync("/_matrix/client/v3/notifications")).GetProperty("notifications")
            .EnumerateArray());
    }

    [Fact]
    public async Task A_display_name_change_keeps_the_messages_before_it_unread()
    {
        var (alice, bob, room) = await RoomWithTwoAsync();
        await alice.SendTextAsync(room, "one");
        await MatrixAssert.OkAsync(await bob.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/profile/{RoomSteps.Escape(bob.UserId)}/displayname",
            new JsonObject { ["displayname"] = "Robert" }));
        // The new name reaches the room in the background: the join after a join must land between the messages.
        await Eventually.HoldsAsync(async () =>
            (await bob.GetStateAsync(room, "m.room.member", bob.UserId)).TryGetProperty("displayname", out var name) &&
            name.GetString() == "Robert", "bob's member event carries the new display name");
        await alice.SendTextAsync(room, "two");

        Assert.Equal((2, 0), Counts(await bob.SyncAsync(), room));
    }

    [Fact]
    public async Task Leaving_and_joining_again_counts_only_what_came_after_the_new_join()
    {
        var (alice, bob, room) = await RoomWithTwoAsync();
        await alice.SendTextAsync(room, "while joined");
        await bob.LeaveAsync(room);
        await alice.SendTextAsync(room, "while away");
        await bob.JoinAsync(room);
        await alice.SendTextAsync(room, "back again");

        Assert.Equal((1, 0), Counts(await bob.SyncAsync(), room));
    }

    [Fact]
    public async Task Receipts_bound_the_shared_count_in_the_main_timeline_and_in_threads()
    {
        var (alice, bob, room) = await RoomWithTwoAsync();
        var root = await alice.SendTextAsync(room, "root");
        var read = await alice.SendTextAsync(room, "read");
        await alice.SendTextAsync(room, "unread");
        var reply = await alice.RelateAsync(room, root, "m.thread", "in the thread");
        await alice.RelateAsync(room, root, "m.thread", "also in the thread");
        await MatrixAssert.OkAsync(await bob.Client.PostAsJsonAsync(
            $"/_matrix/client/v3/rooms/{RoomSteps.Escape(room)}/receipt/m.read/{RoomSteps.Escape(read)}",
            new JsonObject { ["thread_id"] = "main" }));
        await MatrixAssert.OkAsync(await bob.Client.PostAsJsonAsync(
            $"/_matrix/client/v3/rooms/{RoomSteps.Escape(room)}/receipt/m.read/{RoomSteps.Escape(reply)}",
            new JsonObject { ["thread_id"] = root }));

        var sync = await bob.SyncAsync(filter: """{"room":{"timeline":{"unread_thread_notifications":true}}}""");
        Assert.Equal((1, 0), Counts(sync, room));
        var thread = sync.Room("join", room)!.Value.GetProperty("unread_thread_notifications").GetProperty(root);
        Assert.Equal(1, thread.GetProperty("notification_count").GetInt64());
        Assert.True(await SharedRowsAsync(room) >= 5);
    }

    private async Task<(TestSession Alice, TestSession Bob, string Room)> RoomWithTwoAsync()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        return (alice, bob, await alice.SharedRoomAsync(bob));
    }

    private async Task DisableMessageRuleAsync(string userId)
    {
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(Server.ConnectionString);
        await using var command = dataSource.CreateCommand("""
            INSERT INTO account_data (user_id, room_id, type, content, stream_id)
            VALUES ($1, '', 'm.push_rules', $2, nextval('account_data_stream_seq'))
            """);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = userId });
        command.Parameters.Add(new Npgsql.NpgsqlParameter
        {
            Value = """
                {"global": {"underride": [{"rule_id": ".m.rule.message", "default": true, "enabled": false,
                  "conditions": [{"kind": "event_match", "key": "type", "pattern": "m.room.message"}],
                  "actions": ["notify"]}]}}
                """,
        });
        await command.ExecuteNonQueryAsync();
    }

    private async Task<long> SharedRowsAsync(string room)
    {
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(Server.ConnectionString);
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM event_push_bulk WHERE room_id = $1");
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = room });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static (long Notifications, long Highlights) Counts(JsonElement sync, string room)
    {
        var counts = sync.Room("join", room)!.Value.GetProperty("unread_notifications");
        return (counts.GetProperty("notification_count").GetInt64(), counts.GetProperty("highlight_count").GetInt64());
    }

    private static (long Notifications, long Highlights) CountsOrZero(JsonElement sync, string room) =>
        sync.Room("join", room) is { } entry && entry.TryGetProperty("unread_notifications", out var counts)
            ? (counts.GetProperty("notification_count").GetInt64(), counts.GetProperty("highlight_count").GetInt64())
            : (0, 0);
}
