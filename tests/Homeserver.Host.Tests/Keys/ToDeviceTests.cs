using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using Homeserver.Host.Tests.Sync;

namespace Homeserver.Host.Tests.Keys;

/// <summary>PUT /sendToDevice and the to_device section of /sync.</summary>
public sealed class ToDeviceTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task To_device_message_is_delivered_exactly_once_per_device()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var start = (await bob.SyncAsync()).NextBatch();

        await alice.SendToDeviceAsync(bob.UserId, bob.DeviceId, new JsonObject
        {
            ["n"] = 1, ["action"] = "request_cancellation", ["requesting_device_id"] = alice.DeviceId, ["request_id"] = "r1",
        }, "m.room_key_request");

        var first = await bob.SyncAsync(since: start);
        var message = Assert.Single(first.ToDeviceEvents());
        Assert.Equal(alice.UserId, message.GetProperty("sender").GetString());
        Assert.Equal("m.room_key_request", message.GetProperty("type").GetString());
        Assert.Equal(1, message.GetProperty("content").GetProperty("n").GetInt32());
        Assert.Equal([1], (await bob.SyncAsync(since: start)).Numbers()); // a retry with the old token gets it again
        var acknowledged = await bob.SyncAsync(since: first.NextBatch());
        Assert.Empty(acknowledged.ToDeviceEvents());
        Assert.Empty((await bob.SyncAsync(since: start)).ToDeviceEvents()); // acknowledged: gone for good
    }

    [Fact]
    public async Task A_message_to_one_device_reaches_only_that_device()
    {
        var alice = await Server.RegisterAsync();
        var bobPhone = await Server.RegisterAsync();
        var bobLaptop = await Server.LoginAsync(bobPhone.UserId);

        await alice.SendToDeviceAsync(bobPhone.UserId, bobLaptop.DeviceId, new JsonObject { ["n"] = 7 });

        Assert.Equal([7], (await bobLaptop.SyncAsync()).Numbers());
        Assert.Empty((await bobPhone.SyncAsync()).ToDeviceEvents());
        Assert.Empty((await alice.SyncAsync()).ToDeviceEvents());
    }

    [Fact]
    public async Task A_star_fans_out_to_every_device_of_the_user()
    {
        var alice = await Server.RegisterAsync();
        var bobPhone = await Server.RegisterAsync();
        var bobLaptop = await Server.LoginAsync(bobPhone.UserId);

        await alice.SendToDeviceAsync(bobPhone.UserId, "*", new JsonObject { ["n"] = 3 });

        Assert.Equal([3], (await bobPhone.SyncAsync()).Numbers());
        Assert.Equal([3], (await bobLaptop.SyncAsync()).Numbers());
    }

    [Fact]
    public async Task Messages_arrive_in_the_order_they_were_sent()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        for (var n = 1; n <= 5; n++)
        {
            await alice.SendToDeviceAsync(bob.UserId, bob.DeviceId, new JsonObject { ["n"] = n });
        }

        Assert.Equal([1, 2, 3, 4, 5], (await bob.SyncAsync()).Numbers());
    }

    [Fact]
    public async Task A_retried_transaction_sends_nothing_twice()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();

        await alice.SendToDeviceAsync(bob.UserId, bob.DeviceId, new JsonObject { ["n"] = 1 }, txnId: "same-txn");
        await alice.SendToDeviceAsync(bob.UserId, bob.DeviceId, new JsonObject { ["n"] = 2 }, txnId: "same-txn");
        var aliceLaptop = await Server.LoginAsync(alice.UserId); // another device may reuse the transaction ID
        await aliceLaptop.SendToDeviceAsync(bob.UserId, bob.DeviceId, new JsonObject { ["n"] = 3 }, txnId: "same-txn");

        Assert.Equal([1, 3], (await bob.SyncAsync()).Numbers());
    }

    [Fact]
    public async Task A_to_device_message_wakes_a_long_polling_sync()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var since = (await bob.SyncAsync()).NextBatch();
        var poll = await bob.LongPollAsync(since);
        Assert.False(poll.IsCompleted);
        var clock = Stopwatch.StartNew();

        await alice.SendToDeviceAsync(bob.UserId, bob.DeviceId, new JsonObject { ["n"] = 9 });

        Assert.Equal([9], (await poll).Numbers());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task More_than_a_hundred_messages_come_over_several_syncs_without_waiting()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var since = (await bob.SyncAsync()).NextBatch();
        for (var n = 1; n <= 130; n++)
        {
            await alice.SendToDeviceAsync(bob.UserId, bob.DeviceId, new JsonObject { ["n"] = n });
        }

        var first = await bob.SyncAsync(since: since);
        Assert.Equal(Enumerable.Range(1, 100), first.Numbers());
        var clock = Stopwatch.StartNew();
        var rest = await bob.SyncAsync(since: first.NextBatch(), timeoutMs: 30_000);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the sync waited {clock.Elapsed}");
        Assert.Equal(Enumerable.Range(101, 30), rest.Numbers());
        Assert.Empty((await bob.SyncAsync(since: rest.NextBatch())).ToDeviceEvents());
    }

    [Fact]
    public async Task Messages_to_other_servers_users_and_unknown_devices_are_skipped()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var body = new JsonObject
        {
            ["messages"] = new JsonObject
            {
                ["@someone:elsewhere.example"] = new JsonObject { ["DEVICE"] = new JsonObject { ["n"] = 1 } },
                [bob.UserId] = new JsonObject
                {
                    ["NOSUCHDEVICE"] = new JsonObject { ["n"] = 2 },
                    [bob.DeviceId] = new JsonObject { ["n"] = 3 },
                },
            },
        };

        await MatrixAssert.OkAsync(await alice.TrySendToDeviceAsync("m.test", body));

        Assert.Equal([3], (await bob.SyncAsync()).Numbers());
    }

    [Fact]
    public async Task A_malformed_send_is_refused_with_the_spec_error_codes()
    {
        var alice = await Server.RegisterAsync();

        await MatrixAssert.ErrorAsync(await alice.TrySendToDeviceAsync("m.test", new JsonObject()),
            HttpStatusCode.BadRequest, "M_MISSING_PARAM");
        await MatrixAssert.ErrorAsync(await alice.TrySendToDeviceAsync("m.test", new JsonObject { ["messages"] = 5 }),
            HttpStatusCode.BadRequest, "M_BAD_JSON");
        await MatrixAssert.ErrorAsync(await alice.TrySendToDeviceAsync("m.test",
            ToDeviceSteps.Messages("not-a-user", "D", new JsonObject())), HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await MatrixAssert.ErrorAsync(await alice.TrySendToDeviceAsync("m.test", new JsonObject
        {
            ["messages"] = new JsonObject { [alice.UserId] = new JsonObject { ["D"] = "text" } },
        }), HttpStatusCode.BadRequest, "M_BAD_JSON");
    }

    [Fact]
    public async Task A_retried_transaction_after_a_restart_sends_nothing_twice()
    {
        string connectionString;
        TestSession alice, bob;
        await using (var first = await LiveServer.StartAsync())
        {
            connectionString = first.ConnectionString;
            alice = await first.RegisterAsync();
            bob = await first.RegisterAsync();
            await alice.SendToDeviceAsync(bob.UserId, bob.DeviceId, new JsonObject { ["n"] = 1 }, txnId: "restart-txn");
        }

        await using var second = await LiveServer.StartAsync(connectionString);
        await (alice with { Client = second.NewClient(alice.AccessToken) })
            .SendToDeviceAsync(bob.UserId, bob.DeviceId, new JsonObject { ["n"] = 2 }, txnId: "restart-txn");

        Assert.Equal([1], (await (bob with { Client = second.NewClient(bob.AccessToken) }).SyncAsync()).Numbers());
    }
}
