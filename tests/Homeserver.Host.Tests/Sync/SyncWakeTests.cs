using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Sync;

/// <summary>Long-polling /sync: woken by the notifier in the process and, through Redis, across processes.</summary>
public sealed class SyncWakeTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private static readonly TimeSpan WellBeforeTimeout = TimeSpan.FromSeconds(15);

    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task A_long_poll_started_before_a_send_returns_with_the_event_long_before_its_timeout()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        await bob.JoinAsync(room);
        var since = (await bob.SyncAsync()).NextBatch();
        var clock = Stopwatch.StartNew();
        var poll = await bob.LongPollAsync(since);
        Assert.False(poll.IsCompleted);
        await alice.SendTextAsync(room, "wake up");
        var sync = await poll;
        Assert.True(clock.Elapsed < WellBeforeTimeout, $"took {clock.Elapsed}");
        Assert.Equal(["wake up"], sync.Room("join", room)!.Value.Timeline().Bodies());
    }

    [Fact]
    public async Task A_long_poll_wakes_for_an_invite_and_for_account_data()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync();
        var since = (await bob.SyncAsync()).NextBatch();
        var poll = await bob.LongPollAsync(since);
        await alice.InviteAsync(room, bob.UserId);
        var sync = await poll.WaitAsync(WellBeforeTimeout);
        Assert.NotNull(sync.Room("invite", room));

        poll = await bob.LongPollAsync(sync.NextBatch());
        await MatrixAssert.OkAsync(await bob.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/user/{Uri.EscapeDataString(bob.UserId)}/account_data/org.example.wake",
            new JsonObject()));
        sync = await poll.WaitAsync(WellBeforeTimeout);
        Assert.Single(sync.GetProperty("account_data").GetProperty("events").EnumerateArray());
    }

    [Fact]
    public async Task A_long_poll_with_nothing_new_returns_empty_at_its_timeout_with_the_same_position()
    {
        var alice = await Server.RegisterAsync();
        await alice.CreateRoomAsync();
        var since = (await alice.SyncAsync()).NextBatch();
        var clock = Stopwatch.StartNew();
        var sync = await alice.SyncAsync(since: since, timeoutMs: 500);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(450), $"took {clock.Elapsed}");
        Assert.Empty(sync.GetProperty("rooms").GetProperty("join").EnumerateObject());
        Assert.Equal(since, sync.NextBatch());
        // Fields filled only when a response goes out are there after a timeout too.
        Assert.Equal(0, sync.GetProperty("device_one_time_keys_count").GetProperty("signed_curve25519").GetInt32());
        Assert.Empty(sync.GetProperty("device_unused_fallback_key_types").EnumerateArray());
    }

    [Fact]
    public async Task A_long_poll_on_one_server_wakes_when_another_server_on_the_same_database_persists_an_event()
    {
        await using var servers = await TwoServers.SharingRedisAsync();
        var (alice, bob, room) = await servers.RoomAcrossAsync();
        var since = (await bob.SyncAsync()).NextBatch();
        var clock = Stopwatch.StartNew();
        var poll = await bob.LongPollAsync(since);
        Assert.False(poll.IsCompleted);
        await alice.SendTextAsync(room, "from server A");
        var sync = await poll;
        Assert.True(clock.Elapsed < WellBeforeTimeout, $"took {clock.Elapsed}");
        Assert.Equal(["from server A"], sync.Room("join", room)!.Value.Timeline().Bodies());
    }
}
