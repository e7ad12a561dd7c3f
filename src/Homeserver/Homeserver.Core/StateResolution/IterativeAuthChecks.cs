using Homeserver.Core.Auth;
using Homeserver.Core.Events;

namespace Homeserver.Core.StateResolution;

/// <summary>
/// The iterative auth checks of state resolution v2: apply each event, in order, if the auth rules
/// allow it against the state built so far, falling back to the event's own (non-rejected) auth
/// events for entries the state does not have yet.
/// </summary>
internal static class IterativeAuthChecks
{
    public static void Apply(Dictionary<TypeAndStateKey, string> state, IEnumerable<string> sortedEventIds,
        EventGraph graph, Pdu? createEvent)
    {
        foreach (var eventId in sortedEventIds)
        {
            if (graph.Get(eventId) is not { IsState: true } pdu)
            {
                continue;
            }

            var view = new FallbackState(state, pdu, graph, createEvent);
            if (EventAuthorizer.Authorize(pdu, view).IsAllowed)
            {
                state[pdu.StateEntryKey] = pdu.EventId;
            }
        }
    }

    /// <summary>The resolved state so far, then the event's own auth events, then (v12) the create event.</summary>
    private sealed class FallbackState(Dictionary<TypeAndStateKey, string> state, Pdu pdu, EventGraph graph,
        Pdu? createEvent) : IRoomState
    {
        public Pdu? Get(string type, string stateKey)
        {
            if (state.TryGetValue(new TypeAndStateKey(type, stateKey), out var id) && graph.Get(id) is { } fromState)
            {
                return fromState;
            }

            foreach (var authId in pdu.AuthEvents)
            {
                if (graph.Get(authId) is { } authEvent && authEvent.Type == type && authEvent.StateKey == stateKey &&
                    !graph.IsRejected(authId))
                {
                    return authEvent;
                }
            }

            return type == EventTypes.Create && stateKey.Length == 0 ? createEvent : null;
        }
    }
}
