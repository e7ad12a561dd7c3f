using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Auth;
using Homeserver.Core.Crypto;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Federation.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Federation;

/// <summary>
/// A local user's part in rooms hosted elsewhere, end to end: joining through a resident written for the test
/// (<see cref="FakeResident"/>: the residents' side of our server is another part of the work), and invites between
/// two of our servers (<see cref="FederationCluster"/>).
/// </summary>
public sealed class RemoteMembershipTests
{
    [Fact]
    public async Task A_room_hosted_elsewhere_is_joined_from_a_verified_send_join_answer_and_a_forged_one_is_refused()
    {
        await using var resident = await FakeResident.StartAsync("resident.test");
        await using var cluster = await FederationCluster.StartAsync(1, _ => new Dictionary<string, string?>
        {
            ["Federation:HostOverrides:resident.test"] = $"127.0.0.1:{resident.Port}",
            ["Federation:VerifyCertificates"] = "false", // the fake resident's certificate is from its own CA
        });
        var server = cluster[0];
        var user = await server.RegisterAsync();
        var roomId = resident.Room.RoomId;
        var joinPath = $"/_matrix/client/v3/join/{Uri.EscapeDataString(roomId)}?server_name=resident.test";

        // A state event whose signature is not the resident's: the answer is refused and nothing is stored.
        resident.Tamper = answer =>
        {
            var name = answer["state"]!.AsArray().Select(e => e!.AsObject())
                .Single(e => (string?)e["type"] == "m.room.name");
            var signatures = name["signatures"]!["resident.test"]!.AsObject();
            var keyId = signatures.Single().Key;
            signatures[keyId] = "AAAA" + ((string)signatures[keyId]!)[4..].Replace('A', 'B');
        };
        var (status, body) = await server.PostAsync(joinPath, new JsonObject(), user.AccessToken);
        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Equal("M_UNKNOWN", body.GetProperty("errcode").GetString());
        Assert.False(await JoinedAsync(server, user.AccessToken, roomId));

        resident.Tamper = null;
        (status, body) = await server.PostAsync(joinPath, new JsonObject(), user.AccessToken);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(roomId, body.GetProperty("room_id").GetString());
        Assert.True(await JoinedAsync(server, user.AccessToken, roomId));
        var sent = resident.SentJoins.Last();
        Assert.Equal(user.UserId, (string?)sent["sender"]);
        Assert.Equal("join", (string?)sent["content"]!["membership"]);
        Assert.NotNull(sent["signatures"]!["hs1.test"]);

        // The room's state is the resident's, with our join; /sync shows the room with our join in its timeline.
        (status, body) = await server.GetAsync(
            $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/state/m.room.name", user.AccessToken);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Elsewhere", body.GetProperty("name").GetString());
        (_, body) = await server.GetAsync("/_matrix/client/v3/sync", user.AccessToken);
        var timeline = body.GetProperty("rooms").GetProperty("join").GetProperty(roomId).GetProperty("timeline")
            .GetProperty("events").EnumerateArray();
        Assert.Contains(timeline, e => e.GetProperty("type").GetString() == EventTypes.Member &&
                                       e.GetProperty("state_key").GetString() == user.UserId);
    }

    [Fact]
    public async Task An_invite_to_another_servers_user_reaches_their_sync_can_be_rejected_and_obeys_their_blocking()
    {
        await using var cluster = await FederationCluster.StartAsync(2);
        var alice = await cluster[0].RegisterAsync();
        var bob = await cluster[1].RegisterAsync();
        var carol = await cluster[1].RegisterAsync();
        var (status, body) = await cluster[0].PostAsync("/_matrix/client/v3/createRoom",
            new JsonObject { ["name"] = "Crossing", ["preset"] = "public_chat" }, alice.AccessToken);
        Assert.Equal(HttpStatusCode.OK, status);
        var roomId = body.GetProperty("room_id").GetString()!;
        var room = Uri.EscapeDataString(roomId);
        (_, body) = await cluster[1].GetAsync("/_matrix/client/v3/sync", bob.AccessToken);
        var since = body.GetProperty("next_batch").GetString();

        (status, body) = await cluster[0].PostAsync($"/_matrix/client/v3/rooms/{room}/invite",
            new JsonObject { ["user_id"] = bob.UserId }, alice.AccessToken);

        Assert.True(status == HttpStatusCode.OK, body.ToString());
        (status, body) = await cluster[0].GetAsync(
            $"/_matrix/client/v3/rooms/{room}/state/m.room.member/{Uri.EscapeDataString(bob.UserId)}",
            alice.AccessToken);
        Assert.Equal("invite", body.GetProperty("membership").GetString());
        (_, body) = await cluster[1].GetAsync($"/_matrix/client/v3/sync?since={since}&timeout=0", bob.AccessToken);
        var inviteState = body.GetProperty("rooms").GetProperty("invite").GetProperty(roomId)
            .GetProperty("invite_state").GetProperty("events").EnumerateArray().ToList();
        Assert.Contains(inviteState, e => e.GetProperty("type").GetString() == "m.room.name" &&
                                          e.GetProperty("content").GetProperty("name").GetString() == "Crossing");
        Assert.Contains(inviteState, e => e.GetProperty("type").GetString() == EventTypes.Member &&
                                          e.GetProperty("state_key").GetString() == bob.UserId &&
                                          e.GetProperty("content").GetProperty("membership").GetString() == "invite");
        since = body.GetProperty("next_batch").GetString();

        (status, body) = await cluster[1].PostAsync($"/_matrix/client/v3/rooms/{room}/leave", new JsonObject(),
            bob.AccessToken);

        Assert.True(status == HttpStatusCode.OK, body.ToString());
        (_, body) = await cluster[1].GetAsync($"/_matrix/client/v3/sync?since={since}&timeout=0", bob.AccessToken);
        Assert.True(body.GetProperty("rooms").GetProperty("leave").TryGetProperty(roomId, out _), body.ToString());
        (_, body) = await cluster[1].GetAsync("/_matrix/client/v3/sync", bob.AccessToken);
        Assert.False(body.TryGetProperty("rooms", out var rooms) &&
                     rooms.TryGetProperty("invite", out var invites) && invites.TryGetProperty(roomId, out _));

        // Carol blocks invites: her server refuses, and Alice's server answers with that refusal.
        (status, _) = await cluster[1].SendAsync(HttpMethod.Put,
            $"/_matrix/client/v3/user/{Uri.EscapeDataString(carol.UserId)}/account_data/m.invite_permission_config",
            new JsonObject { ["block_all"] = true }, carol.AccessToken);
        Assert.Equal(HttpStatusCode.OK, status);
        (status, body) = await cluster[0].PostAsync($"/_matrix/client/v3/rooms/{room}/invite",
            new JsonObject { ["user_id"] = carol.UserId }, alice.AccessToken);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("M_INVITE_BLOCKED", body.GetProperty("errcode").GetString());
        (status, _) = await cluster[0].GetAsync(
            $"/_matrix/client/v3/rooms/{room}/state/m.room.member/{Uri.EscapeDataString(carol.UserId)}",
            alice.AccessToken);
        Assert.Equal(HttpStatusCode.NotFound, status);

        // Dave ignores Alice: his server refuses her invite.
        var dave = await cluster[1].RegisterAsync();
        await cluster[1].SendAsync(HttpMethod.Put,
            $"/_matrix/client/v3/user/{Uri.EscapeDataString(dave.UserId)}/account_data/m.ignored_user_list",
            new JsonObject { ["ignored_users"] = new JsonObject { [alice.UserId] = new JsonObject() } },
            dave.AccessToken);
        (status, body) = await cluster[0].PostAsync($"/_matrix/client/v3/rooms/{room}/invite",
            new JsonObject { ["user_id"] = dave.UserId }, alice.AccessToken);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("M_FORBIDDEN", body.GetProperty("errcode").GetString());

        // The invite endpoint refuses an invite of a user of another server, and a room version it does not know.
        var client = cluster[0].Instance.App.Services.GetRequiredService<FederationClient>();
        var key = cluster[0].Instance.App.Services.GetRequiredService<SigningKey>();
        Assert.True(PduBuilder.TryBuild(RoomVersions.V12, roomId, new PduTemplate(EventTypes.Member, alice.UserId,
            "@someone:hs1.test", new JsonObject { ["membership"] = "invite" }), [], new StateMap(),
            1_700_000_000_000, "hs1.test", key, out var notOurs, out var error), error);
        foreach (var (version, errcode) in new[] { ("12", "M_INVALID_PARAM"), ("999", "M_INCOMPATIBLE_ROOM_VERSION") })
        {
            var refused = await Assert.ThrowsAsync<FederationException>(() => client.SendAsync(HttpMethod.Put,
                ServerName.Parse("hs2.test"), $"/_matrix/federation/v2/invite/{room}/{Uri.EscapeDataString(notOurs!.EventId)}",
                JsonSerializer.SerializeToUtf8Bytes(new JsonObject
                {
                    ["event"] = notOurs.ToJsonObject(), ["room_version"] = version, ["invite_room_state"] = new JsonArray(),
                }), CancellationToken.None));
            Assert.Equal((400, errcode), (refused.StatusCode, refused.ErrCode));
        }
    }

    private static async Task<bool> JoinedAsync(Support.LiveServer server, string accessToken, string roomId)
    {
        var (_, body) = await server.GetAsync("/_matrix/client/v3/joined_rooms", accessToken);
        return body.GetProperty("joined_rooms").EnumerateArray().Any(r => r.GetString() == roomId);
    }
}
