using System.Text.Json.Nodes;
using Homeserver.Core.Crypto;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Federation.Events;
using Homeserver.Services.Federation.Keys;
using Homeserver.Services.Federation.Membership;
using Homeserver.Testing;

namespace Homeserver.Services.Tests.Federation;

/// <summary>The checks of a resident's send_join answer before the room is stored (server-server API, "Joining
/// Rooms"): a room of remote.test built and signed with its key by <see cref="RemoteRoomBuilder"/>.</summary>
public sealed class SendJoinAnswerTests
{
    private const string Alice = "@alice:test.local";
    private static readonly SigningKey ResidentKey = SigningKey.FromSeed("k", Enumerable.Repeat((byte)3, 32).ToArray());

    private readonly SendJoinAnswer _checker = new(new RemotePduVerifier(new Keys()));

    [Fact]
    public async Task A_valid_answer_gives_the_state_before_the_join_and_the_events_with_auth_events_first()
    {
        var room = new RemoteRoomBuilder("remote.test", ResidentKey);
        var join = JoinOf(room);

        var snapshot = await _checker.CheckAsync(Answer(room), join, CancellationToken.None);

        Assert.Equal(room.State.ToDictionary(p => p.Key, p => p.Value.EventId),
            snapshot.StateBefore.ToDictionary(p => p.Key, p => p.Value.EventId));
        Assert.Equal(room.Create.EventId, snapshot.Create.EventId);
        Assert.Same(join, snapshot.Join);
        var seen = new HashSet<string>();
        foreach (var pdu in snapshot.Outliers)
        {
            Assert.All(pdu.AuthEvents, id => Assert.Contains(id, seen));
            seen.Add(pdu.EventId);
        }
    }

    [Fact]
    public async Task An_answer_with_a_bad_signature_an_event_of_another_room_or_a_missing_auth_event_is_refused()
    {
        var room = new RemoteRoomBuilder("remote.test", ResidentKey);
        var join = JoinOf(room);

        var badSignature = Answer(room);
        var name = badSignature["state"]!.AsArray().Single(e => (string?)e!["type"] == "m.room.name")!;
        name["signatures"]!["remote.test"]![ResidentKey.KeyId] = UnpaddedBase64Of(new byte[64]);
        await Assert.ThrowsAsync<InvalidRemoteAnswerException>(() =>
            _checker.CheckAsync(badSignature, join, CancellationToken.None));

        var otherRoom = Answer(room);
        otherRoom["state"]!.AsArray().Add(new RemoteRoomBuilder("other.test", ResidentKey).Create
            .ToJsonObject());
        await Assert.ThrowsAsync<InvalidRemoteAnswerException>(() =>
            _checker.CheckAsync(otherRoom, join, CancellationToken.None));

        var missingPowerLevels = Answer(room);
        foreach (var list in new[] { "state", "auth_chain" })
        {
            missingPowerLevels[list]!.AsArray().Where(e => (string?)e!["type"] == EventTypes.PowerLevels).ToList()
                .ForEach(e => missingPowerLevels[list]!.AsArray().Remove(e));
        }

        await Assert.ThrowsAsync<InvalidRemoteAnswerException>(() =>
            _checker.CheckAsync(missingPowerLevels, join, CancellationToken.None));
    }

    [Fact]
    public async Task An_answer_whose_state_does_not_allow_our_join_or_which_returns_another_event_is_refused()
    {
        var inviteOnly = new RemoteRoomBuilder("remote.test", ResidentKey, "invite");
        await Assert.ThrowsAsync<InvalidRemoteAnswerException>(() =>
            _checker.CheckAsync(Answer(inviteOnly), JoinOf(inviteOnly), CancellationToken.None));

        var room = new RemoteRoomBuilder("remote.test", ResidentKey);
        var join = JoinOf(room);
        var otherEvent = Answer(room);
        otherEvent["event"] = room.Build("m.room.topic", room.Creator, "", new JsonObject { ["topic"] = "x" })
            .ToJsonObject();
        await Assert.ThrowsAsync<InvalidRemoteAnswerException>(() =>
            _checker.CheckAsync(otherEvent, join, CancellationToken.None));
    }

    private static Pdu JoinOf(RemoteRoomBuilder room) =>
        room.Build(EventTypes.Member, Alice, Alice, new JsonObject { ["membership"] = "join" });

    private static JsonObject Answer(RemoteRoomBuilder room) => new()
    {
        ["state"] = new JsonArray(room.State.Values.Select(e => (JsonNode)e.ToJsonObject()).ToArray()),
        ["auth_chain"] = new JsonArray(room.AuthChainOf(room.State.Values).Select(e => (JsonNode)e.ToJsonObject())
            .ToArray()),
    };

    private static string UnpaddedBase64Of(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    private sealed class Keys : IServerKeyResolver
    {
        public Task<ServerVerifyKey?> GetVerifyKeyAsync(ServerName server, string keyId, long? validAtTs,
            CancellationToken cancellationToken) =>
            Task.FromResult(server.Value is "remote.test" or "other.test" && keyId == ResidentKey.KeyId
                ? new ServerVerifyKey(keyId, ResidentKey.KeyPair.PublicKey, long.MaxValue, false)
                : null);
    }
}
