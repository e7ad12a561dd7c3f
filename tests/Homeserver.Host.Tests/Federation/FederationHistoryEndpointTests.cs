using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Crypto;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Federation.Client;
using Homeserver.Services.Rooms;
using Homeserver.Services.Rooms.Input;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Federation;

/// <summary>
/// Room history served over the real federation endpoints: hs2's federation client asks hs1 (requests signed as hs2),
/// refused while no user of hs2 is in the room, answered once @u:hs2.test's join (signed by hs2) is in it.
/// </summary>
public sealed class FederationHistoryEndpointTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly ServerName Hs1 = ServerName.Parse("hs1.test");

    [Fact]
    public async Task A_server_gets_history_of_a_room_once_one_of_its_users_is_joined()
    {
        await using var cluster = await FederationCluster.StartAsync(2);
        var alice = await cluster[0].RegisterAsync();
        var (_, created) = await cluster[0].PostAsync("/_matrix/client/v3/createRoom",
            new JsonObject { ["preset"] = "public_chat" }, alice.AccessToken);
        var roomId = created.GetProperty("room_id").GetString()!;
        var (_, sent) = await cluster[0].SendAsync(HttpMethod.Put,
            $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/send/m.room.message/t1",
            new JsonObject { ["msgtype"] = "m.text", ["body"] = "hello" }, alice.AccessToken);
        var messageId = sent.GetProperty("event_id").GetString()!;
        var client = cluster[1].Instance.App.Services.GetRequiredService<FederationClient>();
        var eventPath = "/_matrix/federation/v1/event/" + Uri.EscapeDataString(messageId);

        var refused = await Assert.ThrowsAsync<FederationException>(() =>
            client.GetJsonAsync<JsonElement>(Hs1, eventPath, None));
        Assert.Equal((403, "M_FORBIDDEN"), (refused.StatusCode, refused.ErrCode));

        var join = await JoinAsRemoteUserAsync(cluster, roomId);
        var single = await client.GetJsonAsync<JsonObject>(Hs1, eventPath, None);
        var stateIds = await client.GetJsonAsync<JsonObject>(Hs1,
            $"/_matrix/federation/v1/state_ids/{Uri.EscapeDataString(roomId)}?event_id={Uri.EscapeDataString(join.EventId)}",
            None);
        var backfill = await client.GetJsonAsync<JsonObject>(Hs1,
            $"/_matrix/federation/v1/backfill/{Uri.EscapeDataString(roomId)}?v={Uri.EscapeDataString(join.EventId)}&limit=2",
            None);
        var missing = await client.PostJsonAsync<JsonObject, JsonObject>(Hs1,
            $"/_matrix/federation/v1/get_missing_events/{Uri.EscapeDataString(roomId)}",
            new JsonObject { ["earliest_events"] = new JsonArray(), ["latest_events"] = new JsonArray(join.EventId), ["limit"] = 1 },
            None);

        Assert.Equal("hs1.test", single["origin"]!.GetValue<string>());
        var served = Parse(single["pdus"]![0]!, join.Version);
        Assert.Equal(messageId, served.EventId); // the stored PDU, in federation format: it hashes to its ID
        Assert.Equal("hello", served.ContentString("body"));
        var hs1State = await cluster[0].Instance.App.Services.GetRequiredService<IRoomEventReader>()
            .GetCurrentStateAsync(roomId, None);
        Assert.Equal(hs1State.Select(e => e.Pdu.EventId).Where(id => id != join.EventId).Order(StringComparer.Ordinal),
            stateIds["pdu_ids"]!.AsArray().Select(n => n!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.NotEmpty(stateIds["auth_chain_ids"]!.AsArray());
        Assert.Equal([join.EventId, messageId],
            backfill["pdus"]!.AsArray().Select(p => Parse(p!, join.Version).EventId));
        Assert.Equal([messageId], missing["events"]!.AsArray().Select(p => Parse(p!, join.Version).EventId));

        var badRequest = await Assert.ThrowsAsync<FederationException>(() => client.GetJsonAsync<JsonElement>(Hs1,
            $"/_matrix/federation/v1/backfill/{Uri.EscapeDataString(roomId)}?v={Uri.EscapeDataString(join.EventId)}", None));
        Assert.Equal((400, "M_MISSING_PARAM"), (badRequest.StatusCode, badRequest.ErrCode));
    }

    /// <summary>@u:hs2.test joins hs1's public room by an event hs2 signed, put straight into hs1's room writer (the
    /// join handshake is another part's).</summary>
    private static async Task<Pdu> JoinAsRemoteUserAsync(FederationCluster cluster, string roomId)
    {
        var services = cluster[0].Instance.App.Services;
        var head = (await services.GetRequiredService<IRoomEventWriter>().GetHeadAsync(roomId, None))!;
        var hs2Key = cluster[1].Instance.App.Services.GetRequiredService<SigningKey>();
        Assert.True(PduBuilder.TryBuild(head.Version, roomId,
            new PduTemplate(EventTypes.Member, "@u:hs2.test", "@u:hs2.test", new JsonObject { ["membership"] = "join" }),
            head.ForwardExtremities, head.RoomState, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), "hs2.test", hs2Key,
            out var join, out var error), error);
        var result = await services.GetRequiredService<RoomWriter>().InputAsync(
            new InputEvent(join!, InputKind.New, ServerName.Parse("hs2.test")), None);
        Assert.Equal(InputStatus.Accepted, result.Status);
        return join!;
    }

    private static Pdu Parse(JsonNode served, RoomVersion version) =>
        Pdu.TryParse(served.AsObject().DeepClone().AsObject(), version, out var pdu, out var error)
            ? pdu!
            : throw new InvalidOperationException(error);
}
