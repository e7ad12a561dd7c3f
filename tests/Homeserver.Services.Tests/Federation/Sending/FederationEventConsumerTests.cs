using System.Text.Json.Nodes;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Federation;
using Homeserver.Services.Federation.Sending;
using Homeserver.Services.Streams;

namespace Homeserver.Services.Tests.Federation.Sending;

/// <summary>Which persisted events the stream consumer queues, and for which servers.</summary>
public sealed class FederationEventConsumerTests
{
    private const string Room = "!r:origin.test";

    [Fact]
    public async Task Events_authored_here_and_not_soft_failed_are_queued_for_the_joined_servers_but_this_one()
    {
        await using var harness = await SenderHarness.StartAsync();
        await harness.Sender.DisposeAsync(); // what is queued stays queued: no delivery runs
        var joined = new FixedJoinedServers("origin.test", "a.test", "b.test:8448");
        var consumer = new FederationEventConsumer(joined, harness.Queue, harness.Sender, SenderHarness.Origin);

        await consumer.HandleAsync([
            Event(1, "@u:origin.test", "m.room.message"),
            Event(2, "@v:a.test", "m.room.message"),
            Event(3, "@u:origin.test", "m.room.message", softFailed: true),
            Event(4, "@u:origin.test", "m.room.message"),
        ], CancellationToken.None);

        Assert.Equal(["$1", "$4"], await QueuedAsync(harness, "a.test"));
        Assert.Equal(["$1", "$4"], await QueuedAsync(harness, "b.test:8448"));
        Assert.Empty(await QueuedAsync(harness, "origin.test"));
    }

    [Theory]
    [InlineData("ban")]
    [InlineData("leave")]
    public async Task A_member_leaving_by_our_hand_is_queued_for_its_server_too(string membership)
    {
        await using var harness = await SenderHarness.StartAsync();
        await harness.Sender.DisposeAsync(); // what is queued stays queued: no delivery runs
        var consumer = new FederationEventConsumer(new FixedJoinedServers("origin.test", "a.test"), harness.Queue,
            harness.Sender, SenderHarness.Origin);

        await consumer.HandleAsync([
            Event(5, "@u:origin.test", EventTypes.Member, "@gone:kicked.test", membership),
            Event(6, "@u:origin.test", EventTypes.Member, "@new:invited.test", "invite"),
        ], CancellationToken.None);

        Assert.Equal(["$5"], await QueuedAsync(harness, "kicked.test"));
        Assert.Empty(await QueuedAsync(harness, "invited.test")); // invites go by /invite
        Assert.Equal(["$5", "$6"], await QueuedAsync(harness, "a.test"));
    }

    private static async Task<IReadOnlyList<string>> QueuedAsync(SenderHarness harness, string destination)
    {
        var (pdus, _) = await harness.Queue.ReadQueueAsync(ServerName.Parse(destination), 50, 100, CancellationToken.None);
        return pdus.Select(p => p.EventId).ToList();
    }

    private static StreamEvent Event(long position, string sender, string type, string? stateKey = null,
        string? membership = null, bool softFailed = false)
    {
        var json = new JsonObject
        {
            ["room_id"] = Room, ["sender"] = sender, ["type"] = type, ["depth"] = position,
            ["origin_server_ts"] = position, ["prev_events"] = new JsonArray(), ["auth_events"] = new JsonArray(),
            ["content"] = membership is null ? new JsonObject() : new JsonObject { ["membership"] = membership },
        };
        if (stateKey is not null)
        {
            json["state_key"] = stateKey;
        }

        return new StreamEvent(position, Pdu.FromTrusted(json.ToJsonString(), RoomVersions.V10, "$" + position), softFailed);
    }

    private sealed class FixedJoinedServers(params string[] servers) : IJoinedServersReader
    {
        public Task<IReadOnlyList<ServerName>> GetJoinedServersAsync(RoomId roomId, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<ServerName>>(servers.Select(ServerName.Parse).ToList());
    }
}
