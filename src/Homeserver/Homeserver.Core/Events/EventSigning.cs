using System.Text.Json.Nodes;
using Homeserver.Core.Crypto;
using Homeserver.Core.Signing;

namespace Homeserver.Core.Events;

/// <summary>
/// Signing and verifying PDUs: the content hash goes into <c>hashes</c>, then the redacted event is
/// signed and the signature added to the full event (server-server API, "Signing events").
/// </summary>
public static class EventSigning
{
    /// <summary>Adds the content hash and this server's signature to the event in place, and returns it.</summary>
    public static JsonObject HashAndSign(JsonObject pdu, string serverName, SigningKey key, RoomVersion version)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        ArgumentNullException.ThrowIfNull(key);
        EventHashing.AddContentHash(pdu, version);
        var redacted = Redaction.Redact(pdu, version);
        var signature = JsonSigning.ComputeSignature(redacted, key, EventHashing.JsonOptions(version));
        JsonSigning.AddSignature(pdu, serverName, key.KeyId, signature);
        return pdu;
    }

    /// <summary>Checks a server's signature over the redacted form of the event.</summary>
    public static SignatureCheck Verify(JsonObject pdu, string serverName, string keyId, ReadOnlySpan<byte> publicKey,
        RoomVersion version)
    {
        var redacted = Redaction.Redact(pdu, version);
        return JsonSigning.Verify(redacted, serverName, keyId, publicKey, EventHashing.JsonOptions(version));
    }
}
