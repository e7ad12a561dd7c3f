using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Crypto;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Host.Tests.Support;
using Homeserver.Services.Federation.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Federation.Membership;

/// <summary>make_join and send_join between two of our servers over the real federation client, X-Matrix and TLS:
/// hs2 joins its user to a room of hs1, with an event signed by hs2's own key.</summary>
public sealed class RemoteJoinOverFederationTests
{
    private static readonly ServerName Hs1 = ServerName.Parse(FederationCluster.NameOf(0));

    [Fact]
    public async Task A_server_joins_its_user_to_a_room_of_another_through_make_join_and_send_join()
    {
        await using var cluster = await FederationCluster.StartAsync(2);
        var owner = await cluster[0].RegisterAsync();
        var roomId = await owner.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat", ["name"] = "Hub" });
        var services = cluster[1].Instance.App.Services;
        var client = services.GetRequiredService<FederationClient>();
        var hs2Key = services.GetRequiredService<SigningKey>();
        var user = $"@joiner:{FederationCluster.NameOf(1)}";
        var versions = string.Concat(RoomVersions.All.Select(v => "&ver=" + v.Id))[1..];

        var make = await client.GetJsonAsync<JsonElement>(Hs1,
            $"/_matrix/federation/v1/make_join/{Escape(roomId)}/{Escape(user)}?{versions}", CancellationToken.None);
        var version = RoomVersions.TryGet(make.GetProperty("room_version").GetString(), out var v) ? v : null;
        Assert.NotNull(version);
        var join = JsonNode.Parse(make.GetProperty("event").GetRawText())!.AsObject();
        join["origin"] = FederationCluster.NameOf(1);
        join["origin_server_ts"] = 1_700_000_000_000;
        EventSigning.HashAndSign(join, FederationCluster.NameOf(1), hs2Key, version);
        Assert.True(Pdu.TryParse(join, version, out var pdu, out var error), error);
        var sendJoin = $"/_matrix/federation/v2/send_join/{Escape(roomId)}/{Escape(pdu!.EventId)}?omit_members=true";

        var badBody = await Assert.ThrowsAsync<FederationException>(() => client.SendAsync(HttpMethod.Put, Hs1,
            sendJoin, Encoding.UTF8.GetBytes("""{"type": 5}"""), CancellationToken.None));
        var response = await client.PutJsonAsync<JsonObject, JsonElement>(Hs1, sendJoin, join,
            CancellationToken.None);

        Assert.Equal(400, badBody.StatusCode);
        Assert.Equal("M_BAD_JSON", badBody.ErrCode);
        Assert.True(response.GetProperty("members_omitted").GetBoolean());
        Assert.Equal([FederationCluster.NameOf(0)],
            response.GetProperty("servers_in_room").EnumerateArray().Select(s => s.GetString()));
        Assert.Contains(response.GetProperty("state").EnumerateArray(),
            e => e.GetProperty("type").GetString() == "m.room.name");
        var members = await owner.GetJsonAsync($"/_matrix/client/v3/rooms/{Escape(roomId)}/joined_members");
        Assert.True(members.GetProperty("joined").TryGetProperty(user, out _));

        // The deprecated v1 answers [200, body]; the join is already in the room, so it is answered again.
        var v1 = await client.PutJsonAsync<JsonObject, JsonElement>(Hs1,
            $"/_matrix/federation/v1/send_join/{Escape(roomId)}/{Escape(pdu.EventId)}", join, CancellationToken.None);
        Assert.Equal(200, v1[0].GetInt32());
        Assert.True(v1[1].TryGetProperty("auth_chain", out _));
    }

    private static string Escape(string value) => Uri.EscapeDataString(value);
}
