using System.Text.Json.Nodes;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Core.Signing;
using Homeserver.Services.Federation.Keys;

namespace Homeserver.Services.Federation.Events;

/// <summary>A PDU from another server after the checks: the event to keep, or why it was dropped.</summary>
/// <param name="Pdu">The event to keep: as received, or redacted when its content hash did not match.</param>
/// <param name="Error">Why the event was dropped (bad format, missing or bad signatures); null when kept.</param>
public sealed record VerifiedPdu(Pdu? Pdu, string? Error, bool Redacted = false)
{
    public bool IsValid => Pdu is not null;
}

/// <summary>
/// The checks every PDU received from another server passes before input (server-server API, "Checks performed on
/// receipt of a PDU", steps 1-3): the room version's format, the signatures of every server that must sign it with
/// keys valid at its <c>origin_server_ts</c> (fetched as needed), then the content hash, a mismatch keeping only the
/// redacted event.
/// </summary>
public sealed class RemotePduVerifier(IServerKeyResolver keys)
{
    public async Task<VerifiedPdu> VerifyAsync(JsonObject raw, RoomVersion version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentNullException.ThrowIfNull(version);
        if (!Pdu.TryParse(raw, version, out var pdu, out var error))
        {
            return new VerifiedPdu(null, error);
        }

        var known = await FetchSignerKeysAsync(pdu!, cancellationToken);
        var check = ReceivedEventChecks.VerifySignatures(pdu!,
            (server, keyId) => known.TryGetValue((server, keyId), out var key) ? key : null);
        if (!check.IsValid)
        {
            return new VerifiedPdu(null, check.Reason);
        }

        var kept = ReceivedEventChecks.WithContentHashEnforced(pdu!);
        return new VerifiedPdu(kept, null, !ReferenceEquals(kept, pdu));
    }

    /// <summary>Whether <paramref name="server"/> signed the event (one of its keys valid at the event's time
    /// verifies): a countersignature beyond the required ones, such as the invitee server's on an invite.</summary>
    public async Task<bool> HasValidSignatureAsync(Pdu pdu, ServerName server, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        long? validAt = pdu.Version.EnforcesKeyValidity ? pdu.OriginServerTs : null;
        foreach (var keyId in JsonSigning.SigningKeyIds(pdu.Json, server.Value))
        {
            if (await keys.GetVerifyKeyAsync(server, keyId, validAt, cancellationToken) is { } key &&
                EventSigning.Verify(pdu.ToJsonObject(), server.Value, keyId, key.PublicKey, pdu.Version).IsValid)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The verify keys of the key IDs each required signer used, valid at the event's time.</summary>
    private async Task<Dictionary<(string, string), VerifyKey>> FetchSignerKeysAsync(Pdu pdu,
        CancellationToken cancellationToken)
    {
        var known = new Dictionary<(string, string), VerifyKey>();
        long? validAt = pdu.Version.EnforcesKeyValidity ? pdu.OriginServerTs : null;
        foreach (var server in ReceivedEventChecks.RequiredSigners(pdu))
        {
            if (!ServerName.TryParse(server, out var serverName, out _))
            {
                continue;
            }

            foreach (var keyId in JsonSigning.SigningKeyIds(pdu.Json, server))
            {
                if (await keys.GetVerifyKeyAsync(serverName, keyId, validAt, cancellationToken) is { } key)
                {
                    known[(server, keyId)] = new VerifyKey(key.PublicKey, key.ValidUntilTs);
                }
            }
        }

        return known;
    }
}
