using Homeserver.Host.Tests.Support;
using Homeserver.Testing;

namespace Homeserver.Host.Tests.Sync.Sliding;

/// <summary>Sliding sync connections over two servers sharing Postgres and Redis: positions live in Redis, and in
/// Postgres while Redis is down.</summary>
public sealed class SlidingSyncAcrossProcessesTests
{
    [Fact]
    public async Task A_connection_kept_in_redis_continues_on_the_other_server_and_falls_back_to_postgres_without_redis()
    {
        await using var servers = await TwoServers.SharingRedisAsync();
        var alice = await servers.First.RegisterAsync();
        var aliceOnSecond = alice with { Client = servers.Second.NewClient(alice.AccessToken) };
        var room = await alice.CreateRoomAsync();
        var initial = await alice.SlidingSyncAsync(SlidingSyncSteps.ListBody(0, 9));

        await alice.SendTextAsync(room, "after reconnecting");
        var next = await aliceOnSecond.SlidingSyncAsync(SlidingSyncSteps.ListBody(0, 9), initial.Pos());

        Assert.StartsWith("r", initial.Pos(), StringComparison.Ordinal);
        Assert.Equal(["after reconnecting"], next.SlidingRoom(room).TimelineBodies());
        Assert.Equal(0, await PositionsInPostgresAsync(servers.First));

        await servers.Redis.StopAsync();
        await Eventually.HoldsAsync(async () => (await servers.First.Anonymous.GetJsonAsync("/health/ready"))
            .GetProperty("status").GetString() == "degraded", "the first server notices the outage");
        var lost = await alice.TrySlidingSyncAsync(SlidingSyncSteps.ListBody(0, 9), next.Pos());
        await MatrixAssert.ErrorAsync(lost, System.Net.HttpStatusCode.BadRequest, "M_UNKNOWN_POS");
        var restarted = await alice.SlidingSyncAsync(SlidingSyncSteps.ListBody(0, 9));
        await alice.SendTextAsync(room, "during the outage");
        var during = await aliceOnSecond.SlidingSyncAsync(SlidingSyncSteps.ListBody(0, 9), restarted.Pos());

        Assert.True(long.TryParse(restarted.Pos(), out _), restarted.Pos());
        Assert.Equal(["during the outage"], during.SlidingRoom(room).TimelineBodies());
    }

    private static async Task<long> PositionsInPostgresAsync(LiveServer server)
    {
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(server.ConnectionString);
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM sliding_sync_positions");
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
