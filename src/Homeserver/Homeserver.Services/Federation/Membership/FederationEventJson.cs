using System.Text.Json.Nodes;
using Homeserver.Core.Events;
using Homeserver.Services.Rooms;

namespace Homeserver.Services.Federation.Membership;

/// <summary>A stored event as other servers are given it: the PDU, redacted when it was redacted.</summary>
internal static class FederationEventJson
{
    public static JsonObject Of(StoredEvent stored) =>
        stored.RedactedBecause is null
            ? stored.Pdu.ToJsonObject()
            : Redaction.Redact(stored.Pdu.ToJsonObject(), stored.Pdu.Version);
}
