using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.AppServices;

/// <summary>End to end: what happens in rooms reaches the appservices interested in it by transaction.</summary>
public sealed class AppServicePushTests
{
    [Fact]
    public async Task A_message_in_a_room_with_a_namespaced_ghost_reaches_the_appservice()
    {
        await using var server = await AppServiceServer.StartAsync();
        var alice = await server.Server.RegisterAsync();
        var ghost = await server.Server.RegisterAsync(LiveServer.UniqueUsername("ghost_"));
        var room = await alice.SharedRoomAsync(ghost);

        var sent = await MatrixAssert.OkAsync(await alice.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/rooms/{RoomSteps.Escape(room)}/send/m.room.message/t1",
            new JsonObject { ["msgtype"] = "m.text", ["body"] = "hello bridge" }));

        var eventId = sent.GetProperty("event_id").GetString();
        var transaction = await server.Fake.NextAsync(r => r.Method == "PUT" &&
            r.Json.GetProperty("events").EnumerateArray().Any(e => e.GetProperty("event_id").GetString() == eventId));
        Assert.Equal("Bearer hs_token_bridge", transaction.Authorization);
        var message = transaction.Json.GetProperty("events").EnumerateArray()
            .Single(e => e.GetProperty("event_id").GetString() == eventId);
        Assert.Equal(room, message.GetProperty("room_id").GetString());
        Assert.Equal(alice.UserId, message.GetProperty("sender").GetString());
        Assert.Equal("hello bridge", message.GetProperty("content").GetProperty("body").GetString());
    }

    [Fact]
    public async Task Events_of_rooms_without_anything_of_interest_are_not_pushed()
    {
        await using var server = await AppServiceServer.StartAsync();
        var alice = await server.Server.RegisterAsync();
        var ghost = await server.Server.RegisterAsync(LiveServer.UniqueUsername("ghost_"));
        var quiet = await alice.CreateRoomAsync();
        var bridged = await alice.SharedRoomAsync(ghost);
        await alice.Client.PutAsJsonAsync($"/_matrix/client/v3/rooms/{RoomSteps.Escape(quiet)}/send/m.room.message/q",
            new JsonObject { ["msgtype"] = "m.text", ["body"] = "private" });
        var marker = await MatrixAssert.OkAsync(await alice.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/rooms/{RoomSteps.Escape(bridged)}/send/m.room.message/m",
            new JsonObject { ["msgtype"] = "m.text", ["body"] = "marker" }));

        // Events are pushed in stream order: once the later marker is there, the quiet room's message was decided.
        var markerId = marker.GetProperty("event_id").GetString();
        await server.Fake.NextAsync(r => r.Method == "PUT" &&
            r.Json.GetProperty("events").EnumerateArray().Any(e => e.GetProperty("event_id").GetString() == markerId));
        Assert.DoesNotContain(server.Fake.Transactions.SelectMany(t => t.Json.GetProperty("events").EnumerateArray()),
            e => e.GetProperty("room_id").GetString() == quiet);
    }

    [Fact]
    public async Task Typing_in_a_room_of_interest_reaches_an_appservice_that_receives_ephemeral_events()
    {
        await using var server = await AppServiceServer.StartAsync("receive_ephemeral: true");
        var (alice, room) = await StartTypingBesideAGhostAsync(server, timeoutMs: 30000);

        var transaction = await server.NextTransactionWithAsync("ephemeral", "m.typing");
        var typing = transaction.Json.GetProperty("ephemeral").EnumerateArray()
            .Single(e => e.GetProperty("type").GetString() == "m.typing");
        Assert.Equal(room, typing.GetProperty("room_id").GetString());
        Assert.Equal([alice.UserId], typing.GetProperty("content").GetProperty("user_ids").EnumerateArray()
            .Select(u => u.GetString()));
        Assert.True(transaction.Json.TryGetProperty("de.sorunome.msc2409.ephemeral", out _));
    }

    [Fact]
    public async Task Typing_that_times_out_reaches_the_appservice_as_an_empty_list()
    {
        await using var server = await AppServiceServer.StartAsync("receive_ephemeral: true");
        var (_, room) = await StartTypingBesideAGhostAsync(server, timeoutMs: 500);

        // Nobody stops typing: the server's own expiry must tell the bridge (which would show it forever otherwise).
        var stopped = await server.Fake.NextAsync(r => r.Method == "PUT" &&
            r.Path.StartsWith("/_matrix/app/v1/transactions/", StringComparison.Ordinal) &&
            r.Json.TryGetProperty("ephemeral", out var ephemeral) && ephemeral.EnumerateArray().Any(e =>
                e.GetProperty("type").GetString() == "m.typing" &&
                e.GetProperty("content").GetProperty("user_ids").GetArrayLength() == 0));
        Assert.Equal(room, stopped.Json.GetProperty("ephemeral").EnumerateArray()
            .First(e => e.GetProperty("type").GetString() == "m.typing").GetProperty("room_id").GetString());
    }

    /// <summary>Alice, in a room with one of the appservice's ghosts, starts typing there.</summary>
    private static async Task<(TestSession Alice, string Room)> StartTypingBesideAGhostAsync(AppServiceServer server,
        int timeoutMs)
    {
        var alice = await server.Server.RegisterAsync();
        var ghost = await server.Server.RegisterAsync(LiveServer.UniqueUsername("ghost_"));
        var room = await alice.SharedRoomAsync(ghost);
        await MatrixAssert.OkAsync(await alice.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/rooms/{RoomSteps.Escape(room)}/typing/{RoomSteps.Escape(alice.UserId)}",
            new JsonObject { ["typing"] = true, ["timeout"] = timeoutMs }));
        return (alice, room);
    }

    [Fact]
    public async Task A_read_receipt_reaches_an_appservice_that_receives_ephemeral_events()
    {
        await using var server = await AppServiceServer.StartAsync("receive_ephemeral: true");
        var alice = await server.Server.RegisterAsync();
        var ghost = await server.Server.RegisterAsync(LiveServer.UniqueUsername("ghost_"));
        var room = await alice.SharedRoomAsync(ghost);
        var sent = await MatrixAssert.OkAsync(await ghost.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/rooms/{RoomSteps.Escape(room)}/send/m.room.message/r",
            new JsonObject { ["msgtype"] = "m.text", ["body"] = "read me" }));
        var eventId = sent.GetProperty("event_id").GetString()!;

        await MatrixAssert.OkAsync(await alice.Client.PostAsJsonAsync(
            $"/_matrix/client/v3/rooms/{RoomSteps.Escape(room)}/receipt/m.read/{RoomSteps.Escape(eventId)}", new JsonObject()));

        var transaction = await server.NextTransactionWithAsync("ephemeral", "m.receipt");
        var receipt = transaction.Json.GetProperty("ephemeral").EnumerateArray()
            .Single(e => e.GetProperty("type").GetString() == "m.receipt");
        Assert.True(receipt.GetProperty("content").GetProperty(eventId).GetProperty("m.read")
            .TryGetProperty(alice.UserId, out _));
    }

    [Fact]
    public async Task Without_receive_ephemeral_typing_is_not_pushed()
    {
        await using var server = await AppServiceServer.StartAsync();
        var alice = await server.Server.RegisterAsync();
        var ghost = await server.Server.RegisterAsync(LiveServer.UniqueUsername("ghost_"));
        var room = await alice.SharedRoomAsync(ghost);
        await MatrixAssert.OkAsync(await alice.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/rooms/{RoomSteps.Escape(room)}/typing/{RoomSteps.Escape(alice.UserId)}",
            new JsonObject { ["typing"] = true, ["timeout"] = 30000 }));
        var marker = await MatrixAssert.OkAsync(await alice.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/rooms/{RoomSteps.Escape(room)}/send/m.room.message/m",
            new JsonObject { ["msgtype"] = "m.text", ["body"] = "marker" }));

        var markerId = marker.GetProperty("event_id").GetString();
        await server.Fake.NextAsync(r => r.Method == "PUT" &&
            r.Json.GetProperty("events").EnumerateArray().Any(e => e.GetProperty("event_id").GetString() == markerId));
        Assert.All(server.Fake.Transactions, t => Assert.False(t.Json.TryGetProperty("ephemeral", out _)));
    }

    [Fact]
    public async Task Msc3202_pushes_device_list_changes_and_key_counts_of_the_appservices_users()
    {
        await using var server = await AppServiceServer.StartAsync("org.matrix.msc3202: true");
        var alice = await server.Server.RegisterAsync();
        var ghost = await server.Server.RegisterAsync(LiveServer.UniqueUsername("ghost_"));
        var room = await alice.SharedRoomAsync(ghost);

        var changed = await server.Fake.NextAsync(r => r.Method == "PUT" &&
            r.Json.GetProperty("org.matrix.msc3202.device_lists").GetProperty("changed").EnumerateArray()
                .Any(u => u.GetString() == ghost.UserId));
        Assert.True(changed.Json.TryGetProperty("org.matrix.msc3202.device_lists", out _));

        var sent = await MatrixAssert.OkAsync(await alice.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/rooms/{RoomSteps.Escape(room)}/send/m.room.message/k",
            new JsonObject { ["msgtype"] = "m.text", ["body"] = "keys" }));
        var eventId = sent.GetProperty("event_id").GetString();
        var transaction = await server.Fake.NextAsync(r => r.Method == "PUT" &&
            r.Json.GetProperty("events").EnumerateArray().Any(e => e.GetProperty("event_id").GetString() == eventId));

        var counts = transaction.Json.GetProperty("org.matrix.msc3202.device_one_time_keys_count");
        Assert.Equal(0, counts.GetProperty(ghost.UserId).GetProperty(ghost.DeviceId)
            .GetProperty("signed_curve25519").GetInt32());
        Assert.False(counts.TryGetProperty(alice.UserId, out _)); // not the appservice's user
        Assert.Equal(0, transaction.Json.GetProperty("org.matrix.msc3202.device_unused_fallback_key_types")
            .GetProperty(ghost.UserId).GetProperty(ghost.DeviceId).GetArrayLength());
    }
}
