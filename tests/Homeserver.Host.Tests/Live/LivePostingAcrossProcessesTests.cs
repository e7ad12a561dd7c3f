using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using Homeserver.Services.Live;
using Homeserver.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Live;

/// <summary>Two server processes sharing one database: slow mode and timeouts hold whichever one a message goes to,
/// including the one whose cached head of the room is stale or missing.</summary>
public sealed class LivePostingAcrossProcessesTests
{
    [Fact]
    public async Task Slow_mode_holds_across_two_servers_sharing_the_database()
    {
        var clock = new ManualClock();
        await using var servers = await TwoServers.StartAsync(services: s => s.AddSingleton<TimeProvider>(clock));
        var (owner, bob, roomId) = await LiveRoomAsync(servers.First);
        var bobOnSecond = bob with { Client = servers.Second.NewClient(bob.AccessToken) };
        await MatrixAssert.OkAsync(await bobOnSecond.TrySendTextAsync(roomId, "caches the room's head there"));
        await owner.SetStateAsync(roomId, LiveNames.SlowMode, "", new JsonObject { ["seconds"] = 20 });

        // The second server's cached head has no slow mode yet: its decision on the real head asks for the claim.
        await MatrixAssert.OkAsync(await bobOnSecond.TrySendTextAsync(roomId));
        var refused = await MatrixAssert.ErrorAsync(await bob.TrySendTextAsync(roomId), (HttpStatusCode)429,
            "M_LIMIT_EXCEEDED");
        Assert.Equal(20_000, refused.GetProperty("retry_after_ms").GetInt64());

        clock.Advance(TimeSpan.FromSeconds(20));
        await MatrixAssert.OkAsync(await bob.TrySendTextAsync(roomId));
        await MatrixAssert.ErrorAsync(await bobOnSecond.TrySendTextAsync(roomId), (HttpStatusCode)429,
            "M_LIMIT_EXCEEDED");
    }

    [Fact]
    public async Task Concurrent_sends_through_two_servers_let_one_message_through_per_interval()
    {
        var clock = new ManualClock();
        await using var servers = await TwoServers.StartAsync(services: s => s.AddSingleton<TimeProvider>(clock));
        var (owner, bob, roomId) = await LiveRoomAsync(servers.First);
        await owner.SetStateAsync(roomId, LiveNames.SlowMode, "", new JsonObject { ["seconds"] = 60 });
        var clients = new[] { bob.Client, servers.Second.NewClient(bob.AccessToken) };

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            (bob with { Client = clients[i % 2] }).TrySendTextAsync(roomId, $"message {i}")));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(9, responses.Count(r => r.StatusCode == (HttpStatusCode)429));
    }

    [Fact]
    public async Task A_timeout_written_through_one_server_is_enforced_by_the_other()
    {
        var clock = new ManualClock();
        await using var servers = await TwoServers.StartAsync(services: s => s.AddSingleton<TimeProvider>(clock));
        var (owner, bob, roomId) = await LiveRoomAsync(servers.First);
        var bobOnSecond = bob with { Client = servers.Second.NewClient(bob.AccessToken) };
        await MatrixAssert.OkAsync(await bobOnSecond.TrySendTextAsync(roomId));

        await owner.TimeOutAsync(roomId, bob.UserId, minutes: 2);

        await MatrixAssert.ErrorAsync(await bobOnSecond.TrySendTextAsync(roomId), HttpStatusCode.Forbidden,
            "ORG.HOMESERVER.LIVE.TIMED_OUT");
        clock.Advance(TimeSpan.FromMinutes(2));
        await MatrixAssert.OkAsync(await bobOnSecond.TrySendTextAsync(roomId));
    }

    /// <summary>An owner and Bob, both registered on <paramref name="server"/>, in a live room the owner made.</summary>
    private static async Task<(TestSession Owner, TestSession Bob, string RoomId)> LiveRoomAsync(LiveServer server)
    {
        var (owner, bob) = (await server.RegisterAsync(), await server.RegisterAsync());
        return (owner, bob, await owner.LiveRoomAsync([bob]));
    }
}
