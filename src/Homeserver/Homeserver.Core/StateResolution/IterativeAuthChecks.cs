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
    public static void Apply(Dictionary<TypeAndStateKey, Pdu> state, IEnumerable<int> sortedEvents, EventGraph graph,
        Pdu? createEvent)
    {
        var view = new FallbackState(state, graph, createEvent);
        foreach (var index in sortedEvents)
        {
            var pdu = graph[index];
            if (!pdu.IsState)
            {
                continue;
            }

            view.Event = index;
            if (EventAuthorizer.Authorize(pdu, view).IsAllowed)
            {
                state[pdu.StateEntryKey] = pdu;
            }
        }
    }

    /// <summary>The resolved state so far, then the event's own auth events; in v12 the room's create event.</summary>
    private sealed class FallbackState(Dictionary<TypeAndStateKey, Pdu> state, EventGraph graph, Pdu? createEvent)
        : IRoomState
    {
        public int Event { get; set; }

        public Pdu? Get(string type, string stateKey)
        {
            // A version 12 room has exactly one create event, the one its ID names.
            if (createEvent is not null && type == EventTypes.Create && stateKey.Length == 0)
            {
                return createEvent;
            }

            if (state.TryGetValue(new TypeAndStateKey(type, stateKey), out var fromState))
            {
                return fromState;
            }

            foreach (var authIndex in graph.AuthOf(Event))
            {
                var authEvent = graph[authIndex];
                if (authEvent.Type == type && authEvent.StateKey == stateKey && !graph.IsRejected(authEvent.EventId))
                {
                    return authEvent;
                }
            }

            return null;
        }
    }
}
