using System.Diagnostics;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using Homeserver.Testing;

namespace Homeserver.Host.Tests.Sync;

/// <summary>
/// Two servers on one database sharing Redis, which is killed and started again: meanwhile each serves what the other
/// wrote from Postgres, and afterwards a long poll on one is woken again when the other persists an event.
/// </summary>
public sealed class RedisOutageAcrossProcessesTests
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan WellBeforeTimeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Reads_fall_back_to_postgres_during_a_redis_outage_and_wake_ups_across_servers_resume_after_it()
    {
        await using var servers = await TwoServers.SharingRedisAsync();
        var (a, b, redis) = (servers.First, servers.Second, servers.Redis);
        var (alice, bob, room) = await servers.RoomAcrossAsync();
        await alice.SetStateAsync(room, "m.room.name", "", new JsonObject { ["name"] = "before" });
        Assert.Equal("before", (await bob.GetStateAsync(room, "m.room.name")).GetProperty("name").GetString());
        var since = (await bob.SyncAsync()).NextBatch();

        await redis.StopAsync();
        await Eventually.HoldsAsync(async () => await StatusAsync(a) == "degraded" && await StatusAsync(b) == "degraded",
            "both servers notice the outage");
        await alice.SetStateAsync(room, "m.room.name", "", new JsonObject { ["name"] = "during" });
        await alice.SendTextAsync(room, "during the outage");

        Assert.Equal("during", (await bob.GetStateAsync(room, "m.room.name")).GetProperty("name").GetString());
        var caughtUp = await bob.SyncAsync(since: since);
        Assert.Equal(["during the outage"], caughtUp.Room("join", room)!.Value.Timeline().Bodies());
        since = caughtUp.NextBatch();

        await redis.StartAgainAsync();
        await Eventually.HoldsAsync(async () => await StatusAsync(a) == "ready" && await StatusAsync(b) == "ready",
            "both servers pick Redis up again", TimeSpan.FromSeconds(30));

        // "ready" comes with the first reconnection, which may precede the subscription's: a poll that missed its
        // wake-up ends at its timeout, and the next attempt catches up and sends a new message.
        var attempt = 0;
        await Eventually.HoldsAsync(async () =>
        {
            var body = $"after the outage {++attempt}";
            var poll = await bob.LongPollAsync(since, timeoutMs: (int)PollTimeout.TotalMilliseconds);
            if (poll.IsCompleted)
            {
                since = (await poll).NextBatch(); // something was new already (a message whose wake-up was missed)
                return false;
            }

            var clock = Stopwatch.StartNew();
            await alice.SendTextAsync(room, body);
            var sync = await poll;
            since = sync.NextBatch();
            return clock.Elapsed < WellBeforeTimeout && sync.Room("join", room)?.Timeline().Bodies().Contains(body) == true;
        }, "a long poll on one server wakes when the other persists an event", TimeSpan.FromSeconds(60));
    }

    private static async Task<string?> StatusAsync(LiveServer server)
    {
        var body = await server.Anonymous.GetJsonAsync("/health/ready");
        return body.GetProperty("status").GetString();
    }
}
