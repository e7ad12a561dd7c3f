using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Crypto;
using Homeserver.Host.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Federation;

/// <summary>
/// A server that was down catches up: while hs3 is stopped, hs1 and hs2 go on talking in a room the three share (more
/// than one transaction's worth from hs1, and a topic change); once hs3 is back and heard from, the queues held for it
/// are delivered without waiting for their back-off (ten minutes by default), the gaps are fetched, and its user sees
/// the room as the others do.
/// </summary>
public sealed class ThreeServerCatchUpTests
{
    private const int AliceMessages = 50; // with the topic, one transaction (50 PDUs) and a bit from hs1
    private const int BobMessages = 10;

    [Fact]
    public async Task A_server_back_from_downtime_catches_up_on_state_and_messages_and_is_heard_again()
    {
        await using var cluster = await FederationCluster.StartAsync(3);
        var alice = await cluster[0].RegisterAsync("alice");
        var bob = await cluster[1].RegisterAsync("bob");
        var carol = await cluster[2].RegisterAsync("carol");
        var roomId = await CreateRoomAsync(cluster[0], alice);
        await JoinAsync(cluster[1], bob, roomId);
        await JoinAsync(cluster[2], carol, roomId);
        await new SyncWatcher(cluster[1], bob).TimelineEventAsync(roomId, e =>
            e.GetProperty("type").GetString() == "m.room.member" &&
            e.GetProperty("state_key").GetString() == carol.UserId, "carol's join"); // hs2 sends to hs3 from here
        await SendAsync(cluster[0], alice, roomId, "before the outage");
        await new SyncWatcher(cluster[2], carol).MessageAsync(roomId, "before the outage");
        var keyBefore = cluster[2].Instance.App.Services.GetRequiredService<SigningKey>();

        await cluster.StopAsync(2);
        var sent = new List<string>();
        for (var i = 0; i < AliceMessages; i++)
        {
            sent.Add(await SendAsync(cluster[0], alice, roomId, $"while down: alice {i}"));
            if (i % 5 == 4)
            {
                sent.Add(await SendAsync(cluster[1], bob, roomId, $"while down: bob {i / 5}"));
            }

            if (i == AliceMessages / 2)
            {
                await SetTopicAsync(cluster[0], alice, roomId, "set while hs3 was down");
            }
        }

        Assert.Equal(AliceMessages + BobMessages, sent.Count);
        var lastOfAlice = $"while down: alice {AliceMessages - 1}";
        var lastOfBob = $"while down: bob {BobMessages - 1}";
        await new SyncWatcher(cluster[0], alice).MessageAsync(roomId, lastOfBob);
        await new SyncWatcher(cluster[1], bob).MessageAsync(roomId, lastOfAlice);

        var hs3 = await cluster.StartAgainAsync(2);
        var keyAfter = hs3.Instance.App.Services.GetRequiredService<SigningKey>();
        Assert.Equal((keyBefore.KeyId, keyBefore.PublicKeyBase64), (keyAfter.KeyId, keyAfter.PublicKeyBase64));

        // Carol's session outlives the restart; her message is hs3's first word to the others, which wakes their
        // queues for hs3 (their back-off for it would otherwise hold them for minutes).
        await SendAsync(hs3, carol, roomId, "carol is back");
        await new SyncWatcher(cluster[0], alice).MessageAsync(roomId, "carol is back");
        await new SyncWatcher(cluster[1], bob).MessageAsync(roomId, "carol is back");

        var seenByCarol = new HashSet<string>();
        await new SyncWatcher(hs3, carol).UntilAsync(sync =>
        {
            seenByCarol.UnionWith(MessageBodies(SyncWatcher.Room(sync, "join", roomId)));
            return seenByCarol.Contains(lastOfAlice) && seenByCarol.Contains(lastOfBob) ? sync : null;
        }, "the last messages sent while hs3 was down");

        var (status, initial) = await hs3.GetAsync("/_matrix/client/v3/sync", carol.AccessToken);
        Assert.True(status == HttpStatusCode.OK, initial.ToString());
        var room = SyncWatcher.Room(initial, "join", roomId)!.Value;
        var topics = room.GetProperty("state").GetProperty("events").EnumerateArray()
            .Concat(room.GetProperty("timeline").GetProperty("events").EnumerateArray())
            .Where(e => e.GetProperty("type").GetString() == "m.room.topic")
            .Select(e => e.GetProperty("content").GetProperty("topic").GetString()).ToList();
        Assert.Equal("set while hs3 was down", topics[^1]);

        var history = await PageBackAsync(hs3, carol, roomId);
        Assert.All(sent, eventId => Assert.Contains(eventId, history));
    }

    private static IEnumerable<string> MessageBodies(JsonElement? room) =>
        room is { } joined && joined.TryGetProperty("timeline", out var timeline)
            ? timeline.GetProperty("events").EnumerateArray()
                .Where(e => e.GetProperty("type").GetString() == "m.room.message")
                .Select(e => e.GetProperty("content").GetProperty("body").GetString()!)
            : [];

    /// <summary>The event IDs of the room's timeline, newest first, paged back to its start.</summary>
    private static async Task<List<string>> PageBackAsync(LiveServer server, TestSession session, string roomId)
    {
        var ids = new List<string>();
        string? from = null;
        for (var page = 0; page < 20; page++)
        {
            var (status, messages) = await server.GetAsync(
                $"/_matrix/client/v3/rooms/{roomId}/messages?dir=b&limit=30" + (from is null ? "" : "&from=" + from),
                session.AccessToken);
            Assert.True(status == HttpStatusCode.OK, messages.ToString());
            ids.AddRange(messages.GetProperty("chunk").EnumerateArray()
                .Select(e => e.GetProperty("event_id").GetString()!));
            if (!messages.TryGetProperty("end", out var end))
            {
                return ids;
            }

            from = end.GetString();
        }

        throw new InvalidOperationException("the room's history did not end within 20 pages");
    }

    private static async Task<string> CreateRoomAsync(LiveServer server, TestSession session)
    {
        var (status, created) = await server.PostAsync("/_matrix/client/v3/createRoom",
            new JsonObject { ["preset"] = "public_chat" }, session.AccessToken);
        Assert.True(status == HttpStatusCode.OK, created.ToString());
        return created.GetProperty("room_id").GetString()!;
    }

    private static async Task JoinAsync(LiveServer server, TestSession session, string roomId)
    {
        var (status, body) = await server.PostAsync(
            $"/_matrix/client/v3/join/{Uri.EscapeDataString(roomId)}?server_name=hs1.test", new JsonObject(),
            session.AccessToken);
        Assert.True(status == HttpStatusCode.OK, $"{session.UserId} could not join: {status} {body}");
    }

    private static async Task<string> SendAsync(LiveServer server, TestSession session, string roomId, string text)
    {
        var (status, body) = await server.SendAsync(HttpMethod.Put,
            $"/_matrix/client/v3/rooms/{roomId}/send/m.room.message/{Guid.NewGuid():N}",
            new JsonObject { ["msgtype"] = "m.text", ["body"] = text }, session.AccessToken);
        Assert.True(status == HttpStatusCode.OK, $"send failed: {status} {body}");
        return body.GetProperty("event_id").GetString()!;
    }

    private static async Task SetTopicAsync(LiveServer server, TestSession session, string roomId, string topic)
    {
        var (status, body) = await server.SendAsync(HttpMethod.Put,
            $"/_matrix/client/v3/rooms/{roomId}/state/m.room.topic", new JsonObject { ["topic"] = topic },
            session.AccessToken);
        Assert.True(status == HttpStatusCode.OK, $"topic failed: {status} {body}");
    }
}
