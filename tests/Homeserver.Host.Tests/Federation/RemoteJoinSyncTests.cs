using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Homeserver.Host.Tests.Federation;

/// <summary>What a user of another server sees in /sync of a room they joined after an invite over federation.</summary>
public sealed class RemoteJoinSyncTests
{
    [Fact]
    public async Task After_joining_a_remote_room_it_was_invited_to_sync_gives_the_rooms_state_and_no_out_of_band_invite()
    {
        await using var cluster = await FederationCluster.StartAsync(2);
        var alice = await cluster[0].RegisterAsync();
        var bob = await cluster[1].RegisterAsync();
        var (status, body) = await cluster[0].PostAsync("/_matrix/client/v3/createRoom", new JsonObject
        {
            ["name"] = "Crossing", ["preset"] = "private_chat", ["invite"] = new JsonArray(bob.UserId),
        }, alice.AccessToken);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        var roomId = body.GetProperty("room_id").GetString()!;

        (status, body) = await cluster[1].PostAsync($"/_matrix/client/v3/join/{Uri.EscapeDataString(roomId)}",
            new JsonObject(), bob.AccessToken);
        Assert.True(status == HttpStatusCode.OK, body.ToString());

        (_, body) = await cluster[1].GetAsync("/_matrix/client/v3/sync", bob.AccessToken);
        var room = body.GetProperty("rooms").GetProperty("join").GetProperty(roomId);
        var state = room.GetProperty("state").GetProperty("events").EnumerateArray().ToList();
        var timeline = room.GetProperty("timeline").GetProperty("events").EnumerateArray().ToList();
        Assert.Contains(state, e => Is(e, "m.room.member", alice.UserId) &&
                                    e.GetProperty("content").GetProperty("membership").GetString() == "join");
        Assert.Contains(state, e => Is(e, "m.room.name", ""));
        Assert.Contains(state.Concat(timeline), e => Is(e, "m.room.create", ""));
        var ownMemberships = timeline.Where(e => Is(e, "m.room.member", bob.UserId))
            .Select(e => e.GetProperty("content").GetProperty("membership").GetString()).ToList();
        Assert.Equal(["join"], ownMemberships);
    }

    private static bool Is(JsonElement e, string type, string stateKey) =>
        e.GetProperty("type").GetString() == type && e.GetProperty("state_key").GetString() == stateKey;
}
