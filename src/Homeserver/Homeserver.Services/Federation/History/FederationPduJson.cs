using System.Text.Json.Nodes;
using Homeserver.Core.Events;
using Homeserver.Services.Rooms;

namespace Homeserver.Services.Federation.History;

/// <summary>
/// A stored event as it is served to another server: the PDU as stored (federation format), pruned by the room
/// version's redaction algorithm when it was redacted or when the server may not see it (as Synapse serves it), and
/// with only the <c>unsigned</c> fields federation carries.
/// </summary>
public static class FederationPduJson
{
    // What other servers read from unsigned (Synapse keeps these of a received event and drops the rest); what this
    // server adds for its clients (transaction_id, prev_content, redacted_because...) is not theirs to see.
    private static readonly string[] FederatedUnsigned = ["invite_room_state", "knock_room_state"];

    public static JsonObject Of(StoredEvent stored, bool visible)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var pdu = stored.Pdu.ToJsonObject();
        if (!visible || stored.RedactedBecause is not null)
        {
            return Redaction.Redact(pdu, stored.Pdu.Version);
        }

        if (pdu["unsigned"] is JsonObject unsigned)
        {
            var kept = new JsonObject();
            if (stored.Pdu.Type == EventTypes.Member)
            {
                foreach (var key in FederatedUnsigned)
                {
                    if (unsigned[key] is { } value)
                    {
                        kept[key] = value.DeepClone();
                    }
                }
            }

            if (kept.Count == 0)
            {
                pdu.Remove("unsigned");
            }
            else
            {
                pdu["unsigned"] = kept;
            }
        }

        return pdu;
    }
}
