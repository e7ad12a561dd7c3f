using Homeserver.Host.Tests.Accounts;
using Homeserver.Host.Tests.Support;
using Homeserver.Host.Tests.Sync;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Presence;

/// <summary>Presence timeouts on a clock the test moves, restarts, two processes, and presence turned off.</summary>
public sealed class PresenceTimeoutTests
{
    // The timeouts run every second; a change they make wakes a waiting sync.
    private static readonly TimeSpan WellBeforeTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_syncing_user_with_no_activity_for_five_minutes_becomes_unavailable()
    {
        var clock = new ManualTimeProvider();
        await using var server = await LiveServer.StartAsync(services: s => s.AddSingleton<TimeProvider>(clock));
        var (alice, bob) = await server.RoomMatesAsync();
        var since = (await bob.SyncAsync()).NextBatch();
        var aliceSyncing = await alice.LongPollAsync((await alice.SyncAsync()).NextBatch(), timeoutMs: 20_000);
        Assert.False(aliceSyncing.IsCompleted);

        clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));

        var sync = await bob.SyncUntilPresenceAsync(since, alice.UserId, "unavailable", WellBeforeTimeout);
        Assert.False(sync.PresenceOf(alice.UserId)!.Value.TryGetProperty("currently_active", out _));
        await aliceSyncing;
    }

    [Fact]
    public async Task A_user_whose_syncs_stopped_thirty_seconds_ago_goes_offline_and_one_still_syncing_does_not()
    {
        var clock = new ManualTimeProvider();
        await using var server = await LiveServer.StartAsync(services: s => s.AddSingleton<TimeProvider>(clock));
        var (alice, bob) = await server.RoomMatesAsync();
        await alice.SyncAsync();
        var since = (await bob.SyncAsync()).NextBatch();
        var bobSyncing = await bob.LongPollAsync(since, 20_000, "set_presence=online");

        clock.Advance(TimeSpan.FromSeconds(31));

        var sync = await bob.SyncUntilPresenceAsync(since, alice.UserId, "offline", WellBeforeTimeout);
        Assert.Equal("online", (await bob.GetPresenceAsync(bob.UserId)).GetProperty("presence").GetString());
        await bobSyncing;
    }

    [Fact]
    public async Task A_sync_token_from_before_a_restart_still_gets_later_presence_changes()
    {
        await using var first = await LiveServer.StartAsync();
        var (alice, bob) = await first.RoomMatesAsync();
        await alice.SetPresenceAsync("online", "before");
        var since = (await bob.SyncAsync()).NextBatch();
        var connectionString = first.ConnectionString;
        var aliceId = alice.UserId;
        var bobId = bob.UserId;
        await first.DisposeAsync();

        await using var second = await LiveServer.StartAsync(connectionString);
        var aliceAgain = await second.LoginAsync(aliceId);
        var bobAgain = await second.LoginAsync(bobId);
        var unchanged = await bobAgain.SyncSettingPresenceAsync("offline", since);
        await aliceAgain.SetPresenceAsync("unavailable", "after");
        var changed = await bobAgain.SyncSettingPresenceAsync("offline", unchanged.NextBatch());

        Assert.Null(unchanged.PresenceOf(aliceId));
        Assert.Equal("after", changed.PresenceOf(aliceId)!.Value.GetProperty("status_msg").GetString());
    }

    [Fact]
    public async Task A_presence_change_on_one_server_wakes_a_long_poll_on_another_sharing_redis()
    {
        await using var servers = await TwoServers.SharingRedisAsync();
        var (alice, bob, _) = await servers.RoomAcrossAsync();
        var since = (await bob.SyncAsync()).NextBatch();
        var poll = await bob.LongPollAsync(since);
        Assert.False(poll.IsCompleted);

        await alice.SetPresenceAsync("unavailable", "from server A");

        var sync = await poll.WaitAsync(WellBeforeTimeout);
        Assert.Equal("from server A", sync.PresenceOf(alice.UserId)!.Value.GetProperty("status_msg").GetString());
    }

    [Fact]
    public async Task With_presence_turned_off_setting_is_accepted_and_nothing_is_shown()
    {
        await using var server = await LiveServer.StartAsync(
            settings: new Dictionary<string, string?> { ["Presence:Enabled"] = "false" });
        var (alice, bob) = await server.RoomMatesAsync();

        await alice.SetPresenceAsync("online", "hello");
        var sync = await bob.SyncAsync();
        var read = await bob.GetPresenceAsync(alice.UserId);

        Assert.Empty(sync.PresenceEvents());
        Assert.Equal("offline", read.GetProperty("presence").GetString());
        Assert.False(read.TryGetProperty("status_msg", out _));
    }
}
