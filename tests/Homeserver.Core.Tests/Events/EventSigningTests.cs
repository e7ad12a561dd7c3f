using System.Text.Json.Nodes;
using Homeserver.Core.Events;
using Homeserver.Core.Json;
using Homeserver.Core.Tests.Signing;

namespace Homeserver.Core.Tests.Events;

public sealed class EventSigningTests
{
    [Fact]
    public void Signing_the_minimal_event_gives_the_spec_vector()
    {
        var pdu = (JsonObject)JsonNode.Parse("""
            {"room_id": "!x:domain", "sender": "@a:domain", "origin": "domain", "origin_server_ts": 1000000,
             "signatures": {}, "hashes": {}, "type": "X", "content": {}, "prev_events": [], "auth_events": [],
             "depth": 3, "unsigned": {"age_ts": 1000000}}
            """)!;
        EventSigning.HashAndSign(pdu, "domain", JsonSigningTests.SpecKey, RoomVersions.V1);
        Assert.Equal(
            """{"auth_events":[],"content":{},"depth":3,"hashes":{"sha256":"5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos"},"origin":"domain","origin_server_ts":1000000,"prev_events":[],"room_id":"!x:domain","sender":"@a:domain","signatures":{"domain":{"ed25519:1":"KxwGjPSDEtvnFgU00fwFz+l6d2pJM6XBIaMEn81SXPTRl16AqLAYqfIReFGZlHi5KLjAWbOoMszkwsQma+lYAg"}},"type":"X","unsigned":{"age_ts":1000000}}""",
            CanonicalJson.EncodeToString(pdu));
    }

    [Fact]
    public void Signing_the_event_with_redactable_content_gives_the_spec_vector()
    {
        var pdu = (JsonObject)JsonNode.Parse("""
            {"content": {"body": "Here is the message content"}, "event_id": "$0:domain", "origin": "domain",
             "origin_server_ts": 1000000, "type": "m.room.message", "room_id": "!r:domain", "sender": "@u:domain",
             "signatures": {}, "unsigned": {"age_ts": 1000000}}
            """)!;
        EventSigning.HashAndSign(pdu, "domain", JsonSigningTests.SpecKey, RoomVersions.V1);
        Assert.Equal("onLKD1bGljeBWQhWZ1kaP9SorVmRQNdN5aM2JYU2n/g", pdu["hashes"]!["sha256"]!.GetValue<string>());
        Assert.Equal(
            "Wm+VzmOUOz08Ds+0NTWb1d4CZrVsJSikkeRxh6aCcUwu6pNC78FunoD7KNWzqFn241eYHYMGCA5McEiVPdhzBA",
            pdu["signatures"]!["domain"]!["ed25519:1"]!.GetValue<string>());
        Assert.Equal("Here is the message content", pdu["content"]!["body"]!.GetValue<string>());
    }

    [Fact]
    public void A_signed_event_verifies_and_stays_valid_after_redaction()
    {
        var pdu = TestEvents.Message("!r:domain", "@u:domain", "hello");
        EventSigning.HashAndSign(pdu, "domain", JsonSigningTests.SpecKey, RoomVersions.V10);
        var publicKey = JsonSigningTests.SpecKey.KeyPair.PublicKey;
        Assert.True(EventSigning.Verify(pdu, "domain", "ed25519:1", publicKey, RoomVersions.V10).IsValid);

        var redacted = Redaction.Redact(pdu, RoomVersions.V10);
        Assert.True(EventSigning.Verify(redacted, "domain", "ed25519:1", publicKey, RoomVersions.V10).IsValid);
        Assert.False(EventHashing.HasValidContentHash(redacted, RoomVersions.V10));
        Assert.True(EventHashing.HasValidContentHash(pdu, RoomVersions.V10));
    }

    [Fact]
    public void Changing_a_protected_field_breaks_the_signature_but_changing_content_breaks_only_the_hash()
    {
        var pdu = TestEvents.Message("!r:domain", "@u:domain", "hello");
        EventSigning.HashAndSign(pdu, "domain", JsonSigningTests.SpecKey, RoomVersions.V10);
        var publicKey = JsonSigningTests.SpecKey.KeyPair.PublicKey;

        var edited = (JsonObject)pdu.DeepClone();
        edited["content"]!["body"] = "changed";
        Assert.True(EventSigning.Verify(edited, "domain", "ed25519:1", publicKey, RoomVersions.V10).IsValid);
        Assert.False(EventHashing.HasValidContentHash(edited, RoomVersions.V10));

        edited["origin_server_ts"] = 1;
        Assert.False(EventSigning.Verify(edited, "domain", "ed25519:1", publicKey, RoomVersions.V10).IsValid);
    }
}
