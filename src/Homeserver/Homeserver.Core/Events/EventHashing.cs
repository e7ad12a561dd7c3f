using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Homeserver.Core.Encoding;
using Homeserver.Core.Identifiers;
using Homeserver.Core.Json;

namespace Homeserver.Core.Events;

/// <summary>
/// Content hashes, reference hashes and hash-based event IDs (server-server API, "Calculating the
/// content hash" and "Calculating the reference hash").
/// </summary>
public static class EventHashing
{
    private static readonly string[] ContentHashExcluded = ["unsigned", "signatures", "hashes"];
    private static readonly string[] ReferenceHashExcluded = ["signatures", "unsigned"];

    /// <summary>SHA-256 of the canonical event without <c>unsigned</c>, <c>signatures</c> and <c>hashes</c>.</summary>
    public static bool TryComputeContentHash(JsonObject pdu, RoomVersion version, out byte[] hash, out string error)
    {
        ArgumentNullException.ThrowIfNull(version);
        hash = [];
        if (!CanonicalJson.TryEncode(pdu, ContentHashExcluded, out var bytes, out error, JsonOptions(version)))
        {
            return false;
        }

        hash = SHA256.HashData(bytes);
        return true;
    }

    /// <summary>Computes the content hash and stores it as <c>hashes.sha256</c>.</summary>
    public static void AddContentHash(JsonObject pdu, RoomVersion version)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        if (!TryComputeContentHash(pdu, version, out var hash, out var error))
        {
            throw new FormatException($"cannot hash the event: {error}");
        }

        pdu["hashes"] = new JsonObject { ["sha256"] = UnpaddedBase64.Encode(hash) };
    }

    /// <summary>True when <c>hashes.sha256</c> matches the event (a mismatch means the event must be redacted).</summary>
    public static bool HasValidContentHash(JsonObject pdu, RoomVersion version)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        return pdu["hashes"]?["sha256"] is JsonValue claimed && claimed.TryGetValue<string>(out var text) &&
               UnpaddedBase64.TryDecode(text, out var claimedHash) &&
               TryComputeContentHash(pdu, version, out var actual, out _) &&
               CryptographicOperations.FixedTimeEquals(claimedHash, actual);
    }

    /// <summary>SHA-256 of the canonical redacted event without <c>signatures</c> and <c>unsigned</c>.</summary>
    public static bool TryComputeReferenceHash(JsonObject pdu, RoomVersion version, out byte[] hash, out string error)
    {
        hash = [];
        var redacted = Redaction.Redact(pdu, version);
        if (!CanonicalJson.TryEncode(redacted, ReferenceHashExcluded, out var bytes, out error, JsonOptions(version)))
        {
            return false;
        }

        hash = SHA256.HashData(bytes);
        return true;
    }

    /// <summary>
    /// The event's ID: read from <c>event_id</c> in versions 1 and 2, otherwise computed from the
    /// reference hash (standard base64 in version 3, URL-safe from version 4).
    /// </summary>
    public static bool TryGetEventId(JsonObject pdu, RoomVersion version, out EventId eventId, out string error)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        ArgumentNullException.ThrowIfNull(version);
        eventId = default;
        if (version.EventIdFormat == EventIdFormat.ServerAssigned)
        {
            if (pdu["event_id"] is not JsonValue value || !value.TryGetValue<string>(out var text))
            {
                error = $"events in room version {version.Id} must carry an event_id";
                return false;
            }

            if (!EventId.TryParse(text, out eventId, out error))
            {
                return false;
            }

            if (eventId.Domain is null)
            {
                error = $"event IDs in room version {version.Id} have the form $opaque:server";
                return false;
            }

            return true;
        }

        if (!TryComputeReferenceHash(pdu, version, out var hash, out error))
        {
            return false;
        }

        var encoded = version.EventIdFormat == EventIdFormat.ReferenceHash
            ? UnpaddedBase64.Encode(hash)
            : UnpaddedBase64.EncodeUrlSafe(hash);
        eventId = EventId.Parse("$" + encoded);
        return true;
    }

    internal static CanonicalJsonOptions JsonOptions(RoomVersion version) =>
        version.StrictCanonicalJson ? CanonicalJsonOptions.Strict : CanonicalJsonOptions.Lenient;
}
