using Homeserver.Core.Events;

namespace Homeserver.Core.Auth;

/// <summary>
/// Whether an accepted redaction event should actually redact its target ("Handling redactions",
/// room version 3 onwards; in versions 1 and 2 the auth rules already decided).
/// </summary>
public static class RedactionPolicy
{
    /// <param name="redaction">The accepted <c>m.room.redaction</c> event.</param>
    /// <param name="target">The event it names in <c>redacts</c>.</param>
    /// <param name="stateBeforeRedaction">The room state before the redaction, for the redact level.</param>
    public static AuthResult ShouldApply(Pdu redaction, Pdu target, IRoomState stateBeforeRedaction)
    {
        ArgumentNullException.ThrowIfNull(redaction);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(stateBeforeRedaction);
        if (redaction.Type != EventTypes.Redaction || redaction.Redacts != target.EventId)
        {
            return AuthResult.Reject("the redaction does not name this event");
        }

        if (redaction.RoomId != target.RoomId)
        {
            return AuthResult.Reject("the redaction and the event are in different rooms");
        }

        if (redaction.Version.HasRedactionAuthRule)
        {
            return AuthResult.Allow("room versions 1 and 2 authorise redactions in the auth rules");
        }

        var state = new AuthState(stateBeforeRedaction, redaction.Version);
        if (state.UserLevel(redaction.Sender) >= state.PowerLevels.Redact)
        {
            return AuthResult.Allow("the sender has the redact level");
        }

        return EventAuthorizer.DomainOf(redaction.Sender) == EventAuthorizer.DomainOf(target.Sender)
            ? AuthResult.Allow("the sender is on the same server as the event's sender")
            : AuthResult.Reject("the sender is below the redact level and on another server");
    }
}
