using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Rooms;

public sealed class SendTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task Send_is_idempotent_per_device_and_txn_id()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        var otherDevice = await Server.LoginAsync(alice.UserId);

        var first = await alice.SendTextAsync(roomId, "once", "txn-1");
        var retry = await alice.SendTextAsync(roomId, "once", "txn-1");
        var elsewhere = await otherDevice.SendTextAsync(roomId, "once", "txn-1");

        Assert.Equal(first, retry);
        Assert.NotEqual(first, elsewhere);
        Assert.Equal(2, (await alice.MessageListAsync(roomId)).Count(e => e.GetProperty("type").GetString() == "m.room.message"));
    }

    [Fact]
    public async Task A_retried_send_gets_the_first_event_even_after_the_sender_left_the_room()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        await bob.JoinAsync(roomId);
        var first = await bob.SendTextAsync(roomId, "bye", "txn-leave");
        await bob.LeaveAsync(roomId);

        Assert.Equal(first, await bob.SendTextAsync(roomId, "bye", "txn-leave"));
        await MatrixAssert.ErrorAsync(await bob.TrySendAsync(roomId, "m.room.message",
            new JsonObject { ["msgtype"] = "m.text", ["body"] = "new" }, "txn-new"), HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task Concurrent_retries_of_one_transaction_make_one_event()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();

        var ids = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => alice.SendTextAsync(roomId, "once", "txn-race")));

        Assert.Single(ids.Distinct());
        Assert.Equal(1, (await alice.MessageListAsync(roomId)).Count(e => e.GetProperty("type").GetString() == "m.room.message"));
    }

    [Fact]
    public async Task The_sending_device_sees_its_transaction_id_and_others_do_not()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        var bob = await Server.RegisterAsync();
        await MatrixAssert.OkAsync(await bob.PostRoomAsync(roomId, "join"));

        var eventId = await alice.SendTextAsync(roomId, "hi", "my-txn");

        Assert.Equal("my-txn", (await alice.GetEventAsync(roomId, eventId)).GetProperty("unsigned").GetProperty("transaction_id").GetString());
        Assert.False((await bob.GetEventAsync(roomId, eventId)).GetProperty("unsigned").TryGetProperty("transaction_id", out _));
    }

    [Fact]
    public async Task A_user_outside_the_room_cannot_send_and_an_unknown_room_is_404()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        var mallory = await Server.RegisterAsync();

        await MatrixAssert.ErrorAsync(await mallory.TrySendAsync(roomId, "m.room.message", new JsonObject { ["body"] = "x" }),
            HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await alice.TrySendAsync("!nowhere:test.local", "m.room.message", new JsonObject()),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task State_is_set_and_read_back_and_a_missing_key_is_404()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();

        await MatrixAssert.OkAsync(await alice.TrySetStateAsync(roomId, "org.example.thing", "k", new JsonObject { ["v"] = 1 }));

        Assert.Equal(1, (await alice.GetStateAsync(roomId, "org.example.thing", "k")).GetProperty("v").GetInt32());
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync(
            $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/state/org.example.thing/other"), HttpStatusCode.NotFound, "M_NOT_FOUND");
        var all = await MatrixAssert.OkAsync(await alice.Client.GetAsync($"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/state"));
        Assert.Contains(all.EnumerateArray(), e => e.GetProperty("type").GetString() == "org.example.thing");
    }

    [Fact]
    public async Task Replacing_state_links_the_previous_content()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync(new JsonObject { ["name"] = "before" });

        var eventId = (await MatrixAssert.OkAsync(await alice.TrySetStateAsync(roomId, "m.room.name", "",
            new JsonObject { ["name"] = "after" }))).GetProperty("event_id").GetString()!;

        var unsigned = (await alice.GetEventAsync(roomId, eventId)).GetProperty("unsigned");
        Assert.StartsWith("$", unsigned.GetProperty("replaces_state").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task State_needs_the_power_to_send_it()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        var bob = await Server.RegisterAsync();
        await MatrixAssert.OkAsync(await bob.PostRoomAsync(roomId, "join"));

        var response = await bob.TrySetStateAsync(roomId, "m.room.name", "", new JsonObject { ["name"] = "mine now" });

        await MatrixAssert.ErrorAsync(response, HttpStatusCode.Forbidden, "M_FORBIDDEN");
        Assert.NotEmpty(await bob.SendTextAsync(roomId, "but I may talk"));
    }

    [Fact]
    public async Task A_membership_change_cannot_be_made_through_the_state_endpoint()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();

        // Only a joined user's own join event may be sent here (per-room names: Social/PerRoomNameTests).
        var response = await alice.TrySetStateAsync(roomId, "m.room.member", alice.UserId, new JsonObject { ["membership"] = "leave" });

        await MatrixAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "M_BAD_JSON");
    }

    [Fact]
    public async Task Messages_page_backwards_and_forwards_in_order()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        var sent = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            sent.Add(await alice.SendTextAsync(roomId, $"m{i}"));
        }

        var backwards = await MatrixAssert.OkAsync(await alice.Client.GetAsync(
            $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/messages?dir=b&limit=3"));
        var chunk = backwards.GetProperty("chunk").EnumerateArray().Select(e => e.GetProperty("event_id").GetString()).ToList();
        var next = await MatrixAssert.OkAsync(await alice.Client.GetAsync(
            $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/messages?dir=b&limit=2&from={backwards.GetProperty("end").GetString()}"));

        Assert.Equal([sent[4], sent[3], sent[2]], chunk);
        Assert.Equal([sent[1], sent[0]], next.GetProperty("chunk").EnumerateArray().Select(e => e.GetProperty("event_id").GetString()));
    }
}
