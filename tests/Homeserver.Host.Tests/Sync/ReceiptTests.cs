using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Sync;

/// <summary>Receipts and read markers, and the m.receipt ephemeral event in /sync.</summary>
public sealed class ReceiptTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task A_read_receipt_reaches_other_members_and_wakes_their_sync()
    {
        var (alice, bob, room) = await RoomWithTwoAsync();
        var eventId = await alice.SendTextAsync(room, "read me");
        var since = (await alice.SyncAsync()).NextBatch();
        var poll = await alice.LongPollAsync(since);
        Assert.False(poll.IsCompleted);
        var clock = Stopwatch.StartNew();

        await MatrixAssert.OkAsync(await ReceiptAsync(bob, room, "m.read", eventId));

        var sync = await poll;
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        var read = Receipts(sync, room)!.Value.GetProperty(eventId).GetProperty("m.read").GetProperty(bob.UserId);
        Assert.True(read.GetProperty("ts").GetInt64() > 0);
    }

    [Fact]
    public async Task A_private_receipt_is_shown_only_to_its_owner()
    {
        var (alice, bob, room) = await RoomWithTwoAsync();
        var eventId = await alice.SendTextAsync(room, "quietly read");

        await MatrixAssert.OkAsync(await ReceiptAsync(bob, room, "m.read.private", eventId));

        Assert.Null(Receipts(await alice.SyncAsync(), room));
        Assert.True(Receipts(await bob.SyncAsync(), room)!.Value.GetProperty(eventId).TryGetProperty("m.read.private", out _));
    }

    [Fact]
    public async Task A_threaded_receipt_carries_its_thread_id()
    {
        var (alice, bob, room) = await RoomWithTwoAsync();
        var eventId = await alice.SendTextAsync(room, "in the main timeline");

        await MatrixAssert.OkAsync(await ReceiptAsync(bob, room, "m.read", eventId, new JsonObject { ["thread_id"] = "main" }));

        var entry = Receipts(await alice.SyncAsync(), room)!.Value.GetProperty(eventId).GetProperty("m.read").GetProperty(bob.UserId);
        Assert.Equal("main", entry.GetProperty("thread_id").GetString());
    }

    [Fact]
    public async Task An_incremental_sync_sends_only_receipts_since_its_token()
    {
        var (alice, bob, room) = await RoomWithTwoAsync();
        var first = await alice.SendTextAsync(room, "one");
        await MatrixAssert.OkAsync(await ReceiptAsync(bob, room, "m.read", first));
        var since = (await alice.SyncAsync()).NextBatch();

        var quiet = await alice.SyncAsync(since: since);

        Assert.Null(Receipts(quiet, room));
    }

    [Fact]
    public async Task Read_markers_set_the_fully_read_marker_as_room_account_data_and_a_receipt()
    {
        var (alice, bob, room) = await RoomWithTwoAsync();
        var eventId = await alice.SendTextAsync(room, "marker here");

        await MatrixAssert.OkAsync(await bob.Client.PostAsJsonAsync($"/_matrix/client/v3/rooms/{RoomSteps.Escape(room)}/read_markers",
            new JsonObject { ["m.fully_read"] = eventId, ["m.read"] = eventId }));

        var sync = await bob.SyncAsync();
        var accountData = sync.Room("join", room)!.Value.GetProperty("account_data").GetProperty("events").EnumerateArray();
        var fullyRead = Assert.Single(accountData, e => e.GetProperty("type").GetString() == "m.fully_read");
        Assert.Equal(eventId, fullyRead.GetProperty("content").GetProperty("event_id").GetString());
        Assert.True(Receipts(sync, room)!.Value.GetProperty(eventId).TryGetProperty("m.read", out _));
    }

    [Fact]
    public async Task Receipts_are_refused_for_unknown_types_events_and_rooms_not_joined()
    {
        var (alice, bob, room) = await RoomWithTwoAsync();
        var stranger = await Server.RegisterAsync();
        var eventId = await alice.SendTextAsync(room, "x");

        await MatrixAssert.ErrorAsync(await ReceiptAsync(bob, room, "m.seen", eventId), HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await MatrixAssert.ErrorAsync(await ReceiptAsync(bob, room, "m.read", "$nope"), HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await ReceiptAsync(stranger, room, "m.read", eventId), HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await ReceiptAsync(bob, room, "m.fully_read", eventId, new JsonObject { ["thread_id"] = "main" }),
            HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    private async Task<(TestSession Alice, TestSession Bob, string Room)> RoomWithTwoAsync()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        await bob.JoinAsync(room);
        return (alice, bob, room);
    }

    private static Task<HttpResponseMessage> ReceiptAsync(TestSession session, string room, string type, string eventId,
        JsonObject? body = null) =>
        session.Client.PostAsJsonAsync(
            $"/_matrix/client/v3/rooms/{RoomSteps.Escape(room)}/receipt/{RoomSteps.Escape(type)}/{RoomSteps.Escape(eventId)}",
            body ?? new JsonObject());

    /// <summary>The content of the room's m.receipt event in this sync, or null when it has none.</summary>
    private static JsonElement? Receipts(JsonElement sync, string room)
    {
        var receipt = sync.Room("join", room)?.GetProperty("ephemeral").GetProperty("events").EnumerateArray()
            .FirstOrDefault(e => e.GetProperty("type").GetString() == "m.receipt");
        return receipt is { ValueKind: JsonValueKind.Object } found ? found.GetProperty("content") : null;
    }
}
