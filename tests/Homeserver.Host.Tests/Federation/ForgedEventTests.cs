using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Crypto;
using Homeserver.Core.Events;
using Homeserver.Core.Federation;
using Homeserver.Host.Tests.Support;
using Homeserver.Services.Rooms;
using Homeserver.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Federation;

/// <summary>
/// Events forged in hs2's name reach hs1 through a real <c>PUT /_matrix/federation/v1/send/{txnId}</c> signed
/// (X-Matrix) with hs2's own key, in a room the three servers share; each fails one of the server-server API's
/// "Checks performed on receipt of a PDU". A bad signature is dropped and an auth violation rejected: the answer
/// carries an error for the PDU, and no server's state or users' /sync ever shows it. A content hash mismatch is kept
/// redacted (spec step 3, as Synapse): the altered content never shows anywhere, the redacted event is what every
/// server ends up with.
/// </summary>
[Collection(SharedThreeServers.Name)]
public sealed class ForgedEventTests(ThreeServerFixture fixture)
{
    private const string Hs1 = "hs1.test";
    private const string Hs2 = "hs2.test";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private FederationCluster Cluster => fixture.Cluster;

    private SigningKey Hs2Key => Cluster[1].Instance.App.Services.GetRequiredService<SigningKey>();

    [Fact]
    public async Task A_pdu_with_a_bad_signature_is_dropped_with_an_error_and_no_server_shows_it()
    {
        var room = await SharedRoomAsync();
        var signed = await ForgeAsync(room.RoomId, Topic(fixture.Bob.UserId, "forged by signature"));
        var impostor = SigningKey.FromSeed(Hs2Key.Version, Enumerable.Repeat((byte)66, 32).ToArray());
        var forged = EventSigning.HashAndSign(Unsigned(signed), Hs2, impostor, signed.Version);

        var results = await SendAsHs2Async(forged);

        AssertError(results, signed.EventId, "signature");
        await AssertNothingChangedAsync(room, signed.EventId, "forged by signature");
    }

    [Fact]
    public async Task Pdus_that_fail_the_auth_rules_are_rejected_with_an_error_and_no_server_shows_them()
    {
        var room = await SharedRoomAsync();
        var levels = await PowerLevelsAsync(room.RoomId);
        levels["users"]![fixture.Bob.UserId] = 100; // bob is at 50; the power levels take 100
        levels["users"]!["@forged:hs2.test"] = 99;
        var grab = await ForgeAsync(room.RoomId,
            new PduTemplate(EventTypes.PowerLevels, fixture.Bob.UserId, "", levels));
        var outsider = await ForgeAsync(room.RoomId, new PduTemplate("m.room.message", "@mallory:hs2.test", null,
            new JsonObject { ["msgtype"] = "m.text", ["body"] = "from outside the room" }));

        var results = await SendAsHs2Async(grab.ToJsonObject(), outsider.ToJsonObject());

        AssertError(results, grab.EventId, "authorization rules");
        AssertError(results, outsider.EventId, "authorization rules");
        await AssertNothingChangedAsync(room, grab.EventId, "@forged:hs2.test");
        await AssertNothingChangedAsync(room, outsider.EventId, "from outside the room");
    }

    [Fact]
    public async Task A_pdu_whose_content_was_altered_after_signing_is_kept_redacted_on_every_server()
    {
        var room = await SharedRoomAsync();
        var signed = await ForgeAsync(room.RoomId, Topic(fixture.Bob.UserId, "the topic bob signed"));
        var altered = signed.ToJsonObject();
        altered["content"]!["topic"] = "a topic changed on the way";

        var results = await SendAsHs2Async(altered);

        Assert.Empty(results.GetProperty(signed.EventId).EnumerateObject()); // processed further, as Synapse answers
        var marker = await SendMarkerAsync(room);
        var expected = room.StateBefore.Append(StateEntry("m.room.topic", "", signed.EventId)).Order().ToList();
        for (var i = 0; i < 3; i++)
        {
            var server = i;
            await Eventually.HoldsAsync(async () => (await StateAsync(server, room.RoomId)).SequenceEqual(expected),
                $"hs{i + 1} holds the redacted topic", Patience);
            var (_, topic) = await Cluster[i].GetAsync(
                $"/_matrix/client/v3/rooms/{room.RoomId}/state/m.room.topic/", fixture.Sessions[i].AccessToken);
            Assert.Empty(topic.EnumerateObject());
            await room.Watchers[i].MessageAsync(room.RoomId, marker);
            AssertNeverSeen(room.Watchers[i], "the topic bob signed");
            AssertNeverSeen(room.Watchers[i], "a topic changed on the way");
        }
    }

    /// <summary>A room of alice's (hs1) that bob (hs2, at power level 50) and carol (hs3) joined, the three servers
    /// agreeing on its state, with each user's /sync followed from here.</summary>
    private async Task<SharedRoom> SharedRoomAsync()
    {
        var (status, created) = await Cluster[0].PostAsync("/_matrix/client/v3/createRoom",
            new JsonObject { ["preset"] = "public_chat" }, fixture.Alice.AccessToken);
        Assert.True(status == HttpStatusCode.OK, created.ToString());
        var roomId = created.GetProperty("room_id").GetString()!;
        foreach (var server in new[] { 1, 2 })
        {
            var (joined, body) = await Cluster[server].PostAsync(
                $"/_matrix/client/v3/join/{Uri.EscapeDataString(roomId)}?server_name={Hs1}", new JsonObject(),
                fixture.Sessions[server].AccessToken);
            Assert.True(joined == HttpStatusCode.OK, body.ToString());
        }

        var levels = await PowerLevelsAsync(roomId);
        levels["users"]![fixture.Bob.UserId] = 50;
        var (set, setBody) = await Cluster[0].SendAsync(HttpMethod.Put,
            $"/_matrix/client/v3/rooms/{roomId}/state/m.room.power_levels", levels, fixture.Alice.AccessToken);
        Assert.True(set == HttpStatusCode.OK, setBody.ToString());
        var hs1State = await StateAsync(0, roomId);
        await Eventually.HoldsAsync(async () => (await StateAsync(1, roomId)).SequenceEqual(hs1State) &&
                                                (await StateAsync(2, roomId)).SequenceEqual(hs1State),
            "hs2 and hs3 have the room's state", Patience);
        var watchers = Enumerable.Range(0, 3).Select(i => new SyncWatcher(Cluster[i], fixture.Sessions[i])).ToArray();
        foreach (var watcher in watchers)
        {
            await watcher.RoomInAsync("join", roomId);
        }

        return new SharedRoom(roomId, watchers, hs1State);
    }

    /// <summary>After a message of alice's sent after the forged event reached every server: hs1 does not serve the
    /// event, every server's state is what it was, and no user's /sync ever carried the event or its text.</summary>
    private async Task AssertNothingChangedAsync(SharedRoom room, string eventId, string text)
    {
        var marker = await SendMarkerAsync(room);
        var (status, _) = await Cluster[0].GetAsync(
            $"/_matrix/client/v3/rooms/{room.RoomId}/event/{Uri.EscapeDataString(eventId)}", fixture.Alice.AccessToken);
        Assert.Equal(HttpStatusCode.NotFound, status);
        for (var i = 0; i < 3; i++)
        {
            await room.Watchers[i].MessageAsync(room.RoomId, marker);
            Assert.Equal(room.StateBefore, await StateAsync(i, room.RoomId));
            AssertNeverSeen(room.Watchers[i], eventId);
            AssertNeverSeen(room.Watchers[i], text);
        }
    }

    private async Task<string> SendMarkerAsync(SharedRoom room)
    {
        var marker = $"marker {Guid.NewGuid():N}";
        var (status, body) = await Cluster[0].SendAsync(HttpMethod.Put,
            $"/_matrix/client/v3/rooms/{room.RoomId}/send/m.room.message/{Guid.NewGuid():N}",
            new JsonObject { ["msgtype"] = "m.text", ["body"] = marker }, fixture.Alice.AccessToken);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return marker;
    }

    /// <summary>An event in hs2's name on hs1's current head (its prev events and the state it is authorised by),
    /// signed with hs2's signing key.</summary>
    private async Task<Pdu> ForgeAsync(string roomId, PduTemplate template)
    {
        var head = (await Cluster[0].Instance.App.Services.GetRequiredService<IRoomEventWriter>()
            .GetHeadAsync(roomId, CancellationToken.None))!;
        return PduBuilder.TryBuild(head.Version, roomId, template, head.ForwardExtremities, head.RoomState,
            DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), Hs2, Hs2Key, out var pdu, out var error)
            ? pdu!
            : throw new InvalidOperationException(error);
    }

    /// <summary>A transaction from hs2 to hs1's federation listener, X-Matrix signed with hs2's key: the results.</summary>
    private async Task<JsonElement> SendAsHs2Async(params JsonObject[] pdus)
    {
        var uri = $"/_matrix/federation/v1/send/{Guid.NewGuid():N}";
        var body = new JsonObject
        {
            ["origin"] = Hs2,
            ["origin_server_ts"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            ["pdus"] = new JsonArray(pdus.Select(p => (JsonNode)p).ToArray()),
        };
        using var client = FederatedServer.Client(Cluster.FederationOf(0));
        using var request = new HttpRequestMessage(HttpMethod.Put, uri) { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("Authorization",
            RequestSigning.Sign(Hs2Key, Hs2, Hs1, "PUT", uri, body).ToHeaderValue());
        return (await MatrixAssert.OkAsync(await client.SendAsync(request))).GetProperty("pdus");
    }

    private async Task<JsonObject> PowerLevelsAsync(string roomId)
    {
        var (_, current) = await Cluster[0].GetAsync($"/_matrix/client/v3/rooms/{roomId}/state/m.room.power_levels",
            fixture.Alice.AccessToken);
        return JsonNode.Parse(current.GetRawText())!.AsObject();
    }

    /// <summary>The room's state on a server as its user reads it, one sorted "type|state_key|event_id" per entry.</summary>
    private async Task<List<string>> StateAsync(int server, string roomId)
    {
        var (status, state) = await Cluster[server].GetAsync($"/_matrix/client/v3/rooms/{roomId}/state",
            fixture.Sessions[server].AccessToken);
        Assert.True(status == HttpStatusCode.OK, state.ToString());
        return state.EnumerateArray().Select(e => StateEntry(e.GetProperty("type").GetString()!,
            e.GetProperty("state_key").GetString()!, e.GetProperty("event_id").GetString()!)).Order().ToList();
    }

    private static string StateEntry(string type, string stateKey, string eventId) => $"{type}|{stateKey}|{eventId}";

    private static PduTemplate Topic(string sender, string topic) =>
        new("m.room.topic", sender, "", new JsonObject { ["topic"] = topic });

    private static JsonObject Unsigned(Pdu pdu)
    {
        var json = pdu.ToJsonObject();
        json["signatures"] = new JsonObject();
        json["hashes"] = new JsonObject();
        return json;
    }

    private static void AssertError(JsonElement results, string eventId, string contains)
    {
        Assert.True(results.TryGetProperty(eventId, out var result), $"no result for {eventId}: {results}");
        Assert.True(result.TryGetProperty("error", out var error), $"no error for {eventId}: {result}");
        Assert.Contains(contains, error.GetString()!, StringComparison.OrdinalIgnoreCase);
    }

    private static void AssertNeverSeen(SyncWatcher watcher, string text) =>
        Assert.DoesNotContain(watcher.Seen, body => body.GetRawText().Contains(text, StringComparison.Ordinal));

    private sealed record SharedRoom(string RoomId, SyncWatcher[] Watchers, List<string> StateBefore);
}
