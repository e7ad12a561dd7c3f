using Homeserver.Core.Events;

namespace Homeserver.Services.Rooms;

/// <summary>
/// The form in which an erased user's event is served to those who were not in the room when it was sent: pruned by
/// its room version's redaction algorithm (the event ID stays: it is computed from the redacted form).
/// </summary>
public static class ErasedSenderEvents
{
    public static StoredEvent Prune(StoredEvent stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (stored.PrunedForErasedSender)
        {
            return stored;
        }

        var pdu = stored.Pdu;
        var pruned = Pdu.FromTrusted(Redaction.Redact(pdu.ToJsonObject(), pdu.Version).ToJsonString(), pdu.Version,
            pdu.EventId);
        return stored with { Pdu = pruned, PrunedForErasedSender = true };
    }
}
