using System.Text.Json.Nodes;
using Homeserver.Core.Identifiers;
using Homeserver.Core.Signing;

namespace Homeserver.Core.Events;

/// <summary>A server's verify key as the key lookup knows it.</summary>
/// <param name="PublicKey">The 32-byte Ed25519 public key.</param>
/// <param name="ValidUntilTs">
/// Until when the key may sign events (<c>valid_until_ts</c>, or <c>expired_ts</c> for an old key);
/// null when unknown.
/// </param>
public sealed record VerifyKey(byte[] PublicKey, long? ValidUntilTs);

/// <summary>
/// The hash and signature checks on a PDU received over federation (server-server API, "Validating
/// hashes and signatures on received events"). Keys come from the caller; Core does no fetching.
/// </summary>
public static class ReceivedEventChecks
{
    /// <summary>
    /// The servers that must have signed the event: the sender's (except for an invite made from a
    /// third-party invite), the event ID's server in versions 1 and 2, and from version 8 the server of
    /// the user a member event names in <c>join_authorised_via_users_server</c>.
    /// </summary>
    public static IReadOnlyList<string> RequiredSigners(Pdu pdu)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        var servers = new List<string>();
        var isThirdPartyInvite = pdu.Type == EventTypes.Member && pdu.Membership == Memberships.Invite &&
                                 pdu.Content.TryGetProperty("third_party_invite", out _);
        if (!isThirdPartyInvite && UserId.TryParse(pdu.Sender, out var sender, out _))
        {
            servers.Add(sender.Domain.Value);
        }

        if (pdu.Version.EventIdFormat == EventIdFormat.ServerAssigned &&
            EventId.TryParse(pdu.EventId, out var eventId, out _) && eventId.Domain is { } eventServer)
        {
            servers.Add(eventServer.Value);
        }

        // The v8+ auth rules ask this of every m.room.member event carrying the property, not only joins
        // (Synapse checks only joins, but strips the property from the other memberships it creates).
        if (pdu.Version.AllowsRestrictedJoins && pdu.Type == EventTypes.Member &&
            pdu.ContentString("join_authorised_via_users_server") is { } authoriser &&
            UserId.TryParse(authoriser, out var authoriserId, out _))
        {
            servers.Add(authoriserId.Domain.Value);
        }

        return servers.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Checks that every required server signed the redacted event with a key the lookup knows, and
    /// (from room version 5) that the key was valid at the event's origin_server_ts.
    /// </summary>
    public static SignatureCheck VerifySignatures(Pdu pdu, Func<string, string, VerifyKey?> keyLookup)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        ArgumentNullException.ThrowIfNull(keyLookup);
        var redacted = Redaction.Redact(pdu.ToJsonObject(), pdu.Version);
        var redactedElement = System.Text.Json.JsonSerializer.SerializeToElement(redacted);
        foreach (var server in RequiredSigners(pdu))
        {
            var check = VerifyServer(pdu, redactedElement, server, keyLookup);
            if (!check.IsValid)
            {
                return check;
            }
        }

        return SignatureCheck.Valid;
    }

    /// <summary>
    /// The event to keep after the content hash check: the event itself when the hash matches,
    /// otherwise its redacted form (the spec assumes we were given a redacted copy).
    /// </summary>
    public static Pdu WithContentHashEnforced(Pdu pdu)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        var json = pdu.ToJsonObject();
        if (EventHashing.HasValidContentHash(json, pdu.Version))
        {
            return pdu;
        }

        var redacted = Redaction.Redact(json, pdu.Version);
        if (pdu.Json.TryGetProperty("unsigned", out var unsigned))
        {
            redacted["unsigned"] = JsonNode.Parse(unsigned.GetRawText());
        }

        return Pdu.Parse(redacted, pdu.Version);
    }

    private static SignatureCheck VerifyServer(Pdu pdu, System.Text.Json.JsonElement redacted, string server,
        Func<string, string, VerifyKey?> keyLookup)
    {
        var keyIds = JsonSigning.SigningKeyIds(redacted, server);
        if (keyIds.Count == 0)
        {
            return SignatureCheck.Fail(SignatureFailure.NotSignedByEntity, $"{pdu.EventId} is not signed by {server}");
        }

        var last = SignatureCheck.Fail(SignatureFailure.NotSignedWithKey, $"no known key of {server} signed {pdu.EventId}");
        foreach (var keyId in keyIds)
        {
            if (keyLookup(server, keyId) is not { } key)
            {
                continue;
            }

            if (pdu.Version.EnforcesKeyValidity && key.ValidUntilTs is { } validUntil && pdu.OriginServerTs > validUntil)
            {
                last = SignatureCheck.Fail(SignatureFailure.NotSignedWithKey,
                    $"key {keyId} of {server} expired before the event was sent");
                continue;
            }

            var check = JsonSigning.Verify(redacted, server, keyId, key.PublicKey, EventHashing.JsonOptions(pdu.Version));
            if (check.IsValid)
            {
                return check;
            }

            last = check;
        }

        return last;
    }
}
