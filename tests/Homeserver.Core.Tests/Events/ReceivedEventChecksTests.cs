using System.Text.Json.Nodes;
using Homeserver.Core.Crypto;
using Homeserver.Core.Events;
using Homeserver.Core.Signing;

namespace Homeserver.Core.Tests.Events;

public sealed class ReceivedEventChecksTests
{
    private static readonly SigningKey KeyA = SigningKey.FromSeed("a1", Enumerable.Repeat((byte)1, 32).ToArray());
    private static readonly SigningKey KeyB = SigningKey.FromSeed("b1", Enumerable.Repeat((byte)2, 32).ToArray());

    private static JsonObject Member(string sender, string target, string membership, RoomVersion version,
        Action<JsonObject>? content = null)
    {
        var body = new JsonObject { ["membership"] = membership };
        content?.Invoke(body);
        var json = new JsonObject
        {
            ["room_id"] = version.RoomIdIsCreateEventId ? "!" + new string('A', 43) : "!r:a.example",
            ["sender"] = sender,
            ["type"] = "m.room.member",
            ["state_key"] = target,
            ["content"] = body,
            ["origin_server_ts"] = 5000,
            ["depth"] = 3,
            ["prev_events"] = new JsonArray(),
            ["auth_events"] = new JsonArray(),
            ["hashes"] = new JsonObject { ["sha256"] = "" },
            ["signatures"] = new JsonObject(),
        };
        if (version.EventIdFormat == EventIdFormat.ServerAssigned)
        {
            json["event_id"] = "$1:c.example";
        }

        return json;
    }

    private static VerifyKey? Keys(string server, string keyId, long? validUntil = null) => (server, keyId) switch
    {
        ("a.example", "ed25519:a1") => new VerifyKey(KeyA.KeyPair.PublicKey, validUntil),
        ("b.example", "ed25519:b1") => new VerifyKey(KeyB.KeyPair.PublicKey, validUntil),
        _ => null,
    };

    [Fact]
    public void The_senders_server_must_sign()
    {
        var json = EventSigning.HashAndSign(Member("@u:a.example", "@u:a.example", "join", RoomVersions.V10),
            "a.example", KeyA, RoomVersions.V10);
        var pdu = Pdu.Parse(json, RoomVersions.V10);
        Assert.Equal(["a.example"], ReceivedEventChecks.RequiredSigners(pdu));
        Assert.True(ReceivedEventChecks.VerifySignatures(pdu, (s, k) => Keys(s, k)).IsValid);

        var byOther = Pdu.Parse(EventSigning.HashAndSign(Member("@u:a.example", "@u:a.example", "join", RoomVersions.V10),
            "b.example", KeyB, RoomVersions.V10), RoomVersions.V10);
        Assert.Equal(SignatureFailure.NotSignedByEntity,
            ReceivedEventChecks.VerifySignatures(byOther, (s, k) => Keys(s, k)).Failure);
    }

    [Fact]
    public void Versions_1_and_2_also_need_the_event_id_server()
    {
        var pdu = Pdu.Parse(Member("@u:a.example", "@u:a.example", "join", RoomVersions.V2), RoomVersions.V2);
        Assert.Equal(["a.example", "c.example"], ReceivedEventChecks.RequiredSigners(pdu));
    }

    [Fact]
    public void Restricted_joins_need_the_authorising_server_and_third_party_invites_do_not_need_the_sender()
    {
        var join = Pdu.Parse(Member("@u:a.example", "@u:a.example", "join", RoomVersions.V10,
            c => c["join_authorised_via_users_server"] = "@admin:b.example"), RoomVersions.V10);
        Assert.Equal(["a.example", "b.example"], ReceivedEventChecks.RequiredSigners(join));

        var invite = Pdu.Parse(Member("@u:a.example", "@v:c.example", "invite", RoomVersions.V10,
            c => c["third_party_invite"] = new JsonObject { ["signed"] = new JsonObject() }), RoomVersions.V10);
        Assert.Empty(ReceivedEventChecks.RequiredSigners(invite));
    }

    [Theory]
    [InlineData("leave")]
    [InlineData("invite")]
    [InlineData("knock")]
    [InlineData("ban")]
    public void Any_membership_naming_an_authorising_user_needs_that_servers_signature(string membership)
    {
        var json = EventSigning.HashAndSign(Member("@u:a.example", "@u:a.example", membership, RoomVersions.V10,
            c => c["join_authorised_via_users_server"] = "@admin:b.example"), "a.example", KeyA, RoomVersions.V10);
        var pdu = Pdu.Parse(json, RoomVersions.V10);
        Assert.Equal(["a.example", "b.example"], ReceivedEventChecks.RequiredSigners(pdu));
        Assert.Equal(SignatureFailure.NotSignedByEntity,
            ReceivedEventChecks.VerifySignatures(pdu, (s, k) => Keys(s, k)).Failure);

        var v7 = Pdu.Parse(Member("@u:a.example", "@u:a.example", membership, RoomVersions.V7,
            c => c["join_authorised_via_users_server"] = "@admin:b.example"), RoomVersions.V7);
        Assert.Equal(["a.example"], ReceivedEventChecks.RequiredSigners(v7));
    }

    [Fact]
    public void Signatures_with_unknown_or_expired_keys_fail()
    {
        var pdu = Pdu.Parse(EventSigning.HashAndSign(Member("@u:a.example", "@u:a.example", "join", RoomVersions.V10),
            "a.example", KeyA, RoomVersions.V10), RoomVersions.V10);
        Assert.False(ReceivedEventChecks.VerifySignatures(pdu, (_, _) => null).IsValid);
        Assert.False(ReceivedEventChecks.VerifySignatures(pdu, (s, k) => Keys(s, k, validUntil: 4999)).IsValid);
        Assert.True(ReceivedEventChecks.VerifySignatures(pdu, (s, k) => Keys(s, k, validUntil: 5000)).IsValid);

        var v4 = Pdu.Parse(EventSigning.HashAndSign(Member("@u:a.example", "@u:a.example", "join", RoomVersions.V4),
            "a.example", KeyA, RoomVersions.V4), RoomVersions.V4);
        Assert.True(ReceivedEventChecks.VerifySignatures(v4, (s, k) => Keys(s, k, validUntil: 1)).IsValid,
            "key validity is enforced only from room version 5");
    }

    [Fact]
    public void A_tampered_protected_field_fails_the_signature_check()
    {
        var json = EventSigning.HashAndSign(Member("@u:a.example", "@u:a.example", "join", RoomVersions.V10),
            "a.example", KeyA, RoomVersions.V10);
        json["content"]!["membership"] = "leave";
        Assert.Equal(SignatureFailure.BadSignature,
            ReceivedEventChecks.VerifySignatures(Pdu.Parse(json, RoomVersions.V10), (s, k) => Keys(s, k)).Failure);
    }

    [Fact]
    public void An_event_whose_content_hash_does_not_match_is_kept_redacted()
    {
        var json = EventSigning.HashAndSign(Member("@u:a.example", "@u:a.example", "join", RoomVersions.V10,
            c => c["displayname"] = "U"), "a.example", KeyA, RoomVersions.V10);
        var intact = Pdu.Parse(json, RoomVersions.V10);
        Assert.Same(intact, ReceivedEventChecks.WithContentHashEnforced(intact));

        json["content"]!["displayname"] = "Mallory";
        var tampered = Pdu.Parse(json, RoomVersions.V10);
        Assert.True(ReceivedEventChecks.VerifySignatures(tampered, (s, k) => Keys(s, k)).IsValid);
        var kept = ReceivedEventChecks.WithContentHashEnforced(tampered);
        Assert.False(kept.Content.TryGetProperty("displayname", out _));
        Assert.Equal("join", kept.Membership);
        Assert.Equal(tampered.EventId, kept.EventId);
    }
}
