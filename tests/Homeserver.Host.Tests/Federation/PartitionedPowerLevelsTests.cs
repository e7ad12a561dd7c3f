using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Host.Tests.Support;
using Homeserver.Services.Federation.Sending;
using Homeserver.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Federation;

/// <summary>
/// Two admins on two servers change the power levels concurrently while one server's transactions to the other are
/// held back (its queue for that destination leased elsewhere), then the partition heals: all three servers end on
/// the same state, the one Core's state resolution gives for the two branches.
/// </summary>
public sealed class PartitionedPowerLevelsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Concurrent_power_level_changes_across_a_partition_converge_on_every_server_after_it_heals()
    {
        await using var cluster = await FederationCluster.StartAsync(3);
        var alice = await cluster[0].RegisterAsync("alice");
        var bob = await cluster[1].RegisterAsync("bob");
        var carol = await cluster[2].RegisterAsync("carol");
        var (_, created) = await cluster[0].PostAsync("/_matrix/client/v3/createRoom",
            new JsonObject { ["preset"] = "public_chat" }, alice.AccessToken);
        var roomId = created.GetProperty("room_id").GetString()!;
        foreach (var (server, session) in new[] { (1, bob), (2, carol) })
        {
            var (joined, body) = await cluster[server].PostAsync(
                $"/_matrix/client/v3/join/{Uri.EscapeDataString(roomId)}?server_name=hs1.test", new JsonObject(),
                session.AccessToken);
            Assert.True(joined == HttpStatusCode.OK, body.ToString());
        }

        await SetPowerAsync(cluster[0], alice, roomId, bob.UserId, 100);
        await Eventually.HoldsAsync(async () => await PowerOfAsync(cluster[1], bob, roomId, bob.UserId) == 100,
            "hs2 sees bob as an admin", Patience);

        // hs1 holds its transactions to hs2 from here: its queue to hs2 is leased to a stand-in for another process (a
        // back-off would not hold: hs2's own transactions to hs1 show hs2 is up, which ends it).
        var hs1Queue = cluster[0].Instance.App.Services.GetRequiredService<IFederationQueueStore>();
        var hs2 = ServerName.Parse("hs2.test");
        await Eventually.HoldsAsync(() => hs1Queue.TryLeaseAsync(hs2, "partition", DateTimeOffset.UtcNow,
            DateTimeOffset.UtcNow.AddHours(1), CancellationToken.None), "hs1's queue to hs2 is held", Patience);

        var aliceChange = await SetPowerAsync(cluster[0], alice, roomId, "@x:hs1.test", 50);
        var bobChange = await SetPowerAsync(cluster[1], bob, roomId, "@y:hs2.test", 60);
        await Eventually.HoldsAsync(async () => await HasEventAsync(cluster[0], alice, roomId, bobChange) &&
                                                await HasEventAsync(cluster[2], carol, roomId, bobChange) &&
                                                await HasEventAsync(cluster[2], carol, roomId, aliceChange),
            "hs1 and hs3 hold both changes", Patience);
        Assert.False(await HasEventAsync(cluster[1], bob, roomId, aliceChange)); // the partition held

        await hs1Queue.ReleaseLeaseAsync(hs2, "partition", CancellationToken.None); // heal
        await cluster[0].Instance.App.Services.GetRequiredService<FederationSender>()
            .WakeAsync([hs2], CancellationToken.None);
        var sessions = new[] { alice, bob, carol };
        string?[] winners = [];
        await Eventually.HoldsAsync(async () =>
        {
            winners = await Task.WhenAll(Enumerable.Range(0, 3)
                .Select(i => PowerLevelsEventAsync(cluster[i], sessions[i], roomId)));
            return winners.Distinct().Count() == 1 && await HasEventAsync(cluster[1], bob, roomId, aliceChange);
        }, "the three servers agree on the power levels", Patience);
        Assert.Contains(winners[0], new[] { aliceChange, bobChange });

        // The answer Core's state resolution gives for the two branches, over the events hs1 serves hs3 for them:
        // every server's whole state is that, so agreeing on another answer fails here.
        var expected = await CoreResolution.ResolveAsync(cluster[2], "hs1.test", roomId, [aliceChange, bobChange]);
        Assert.Contains(expected[new TypeAndStateKey(EventTypes.PowerLevels, "")], new[] { aliceChange, bobChange });
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(expected.OrderBy(e => e.Key.ToString(), StringComparer.Ordinal),
                (await StateMapAsync(cluster[i], sessions[i], roomId)).OrderBy(e => e.Key.ToString(),
                    StringComparer.Ordinal));
        }
    }

    private static async Task<Dictionary<TypeAndStateKey, string>> StateMapAsync(LiveServer server,
        TestSession session, string roomId)
    {
        var (status, state) = await server.GetAsync($"/_matrix/client/v3/rooms/{roomId}/state", session.AccessToken);
        Assert.True(status == HttpStatusCode.OK, state.ToString());
        return state.EnumerateArray().ToDictionary(
            e => new TypeAndStateKey(e.GetProperty("type").GetString()!, e.GetProperty("state_key").GetString()!),
            e => e.GetProperty("event_id").GetString()!);
    }

    private static async Task<string> SetPowerAsync(LiveServer server, TestSession session, string roomId,
        string userId, int level)
    {
        var (_, current) = await server.GetAsync($"/_matrix/client/v3/rooms/{roomId}/state/m.room.power_levels",
            session.AccessToken);
        var content = JsonNode.Parse(current.GetRawText())!.AsObject();
        content["users"]![userId] = level;
        var (status, body) = await server.SendAsync(HttpMethod.Put,
            $"/_matrix/client/v3/rooms/{roomId}/state/m.room.power_levels", content, session.AccessToken);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body.GetProperty("event_id").GetString()!;
    }

    private static async Task<int?> PowerOfAsync(LiveServer server, TestSession session, string roomId, string userId)
    {
        var (status, content) = await server.GetAsync(
            $"/_matrix/client/v3/rooms/{roomId}/state/m.room.power_levels", session.AccessToken);
        return status == HttpStatusCode.OK && content.GetProperty("users").TryGetProperty(userId, out var level)
            ? level.GetInt32()
            : null;
    }

    private static async Task<bool> HasEventAsync(LiveServer server, TestSession session, string roomId,
        string eventId) =>
        (await server.GetAsync($"/_matrix/client/v3/rooms/{roomId}/event/{Uri.EscapeDataString(eventId)}",
            session.AccessToken)).Status == HttpStatusCode.OK;

    private static async Task<string?> PowerLevelsEventAsync(LiveServer server, TestSession session, string roomId)
    {
        var (_, state) = await server.GetAsync($"/_matrix/client/v3/rooms/{roomId}/state", session.AccessToken);
        return state.ValueKind != JsonValueKind.Array ? null : state.EnumerateArray()
            .Where(e => e.GetProperty("type").GetString() == "m.room.power_levels")
            .Select(e => e.GetProperty("event_id").GetString()).FirstOrDefault();
    }
}
