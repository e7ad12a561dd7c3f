using Homeserver.Core.Events;

namespace Homeserver.Core.Auth;

/// <summary>The rules about an event's <c>auth_events</c> list itself (rule 3 in v12, rule 2 before).</summary>
internal static class AuthEventChecks
{
    public static AuthResult Check(Pdu pdu, IReadOnlyList<Pdu> authEvents, Func<string, bool>? isRejected)
    {
        var allowed = AuthEventSelection.KeysFor(pdu).ToHashSet();
        var seen = new HashSet<TypeAndStateKey>();
        var hasCreate = false;
        foreach (var authEvent in authEvents)
        {
            if (!authEvent.IsState)
            {
                return AuthResult.Reject($"auth event {authEvent.EventId} is not a state event");
            }

            if (!pdu.AuthEvents.Contains(authEvent.EventId))
            {
                return AuthResult.Reject($"{authEvent.EventId} is not in the event's auth_events");
            }

            var key = authEvent.StateEntryKey;
            if (!seen.Add(key))
            {
                return AuthResult.Reject($"auth_events lists {key} twice");
            }

            if (!allowed.Contains(key))
            {
                return AuthResult.Reject($"auth_events may not list {key}");
            }

            if (isRejected?.Invoke(authEvent.EventId) == true)
            {
                return AuthResult.Reject($"auth event {authEvent.EventId} was rejected");
            }

            if (authEvent.RoomId != pdu.RoomId)
            {
                return AuthResult.Reject($"auth event {authEvent.EventId} is from another room");
            }

            hasCreate |= key.Type == EventTypes.Create;
        }

        if (!pdu.Version.RoomIdIsCreateEventId && !hasCreate)
        {
            return AuthResult.Reject("auth_events has no m.room.create event");
        }

        return AuthResult.Allow("auth_events are well formed");
    }
}
