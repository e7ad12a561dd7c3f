using Homeserver.Core.Auth;
using Homeserver.Core.Events;
using Homeserver.Core.Json;

namespace Homeserver.Core.StateResolution;

/// <summary>The two orderings of state resolution v2: reverse topological power ordering and mainline ordering.</summary>
internal static class Orderings
{
    /// <summary>
    /// Kahn's algorithm over the auth DAG restricted to the events, taking at each step the smallest
    /// candidate by (higher sender power first, then origin_server_ts, then event_id by code point).
    /// </summary>
    public static List<int> ReverseTopologicalPower(List<int> events, EventGraph graph, Pdu? createEvent)
    {
        var inSet = new bool[graph.Count];
        foreach (var index in events)
        {
            inSet[index] = true;
        }

        var pendingAuth = new int[graph.Count];
        var citedBy = new Dictionary<int, List<int>>();
        foreach (var index in events)
        {
            foreach (var auth in graph.AuthOf(index))
            {
                if (!inSet[auth])
                {
                    continue;
                }

                pendingAuth[index]++;
                if (!citedBy.TryGetValue(auth, out var citers))
                {
                    citers = [];
                    citedBy[auth] = citers;
                }

                citers.Add(index);
            }
        }

        var queue = new PriorityQueue<int, PowerKey>(PowerKeyComparer.Instance);
        foreach (var index in events)
        {
            if (pendingAuth[index] == 0)
            {
                queue.Enqueue(index, KeyFor(index, graph, createEvent));
            }
        }

        var sorted = new List<int>(events.Count);
        while (queue.TryDequeue(out var index, out _))
        {
            sorted.Add(index);
            foreach (var citer in citedBy.GetValueOrDefault(index) ?? [])
            {
                if (--pendingAuth[citer] == 0)
                {
                    queue.Enqueue(citer, KeyFor(citer, graph, createEvent));
                }
            }
        }

        return sorted;
    }

    /// <summary>Orders events by their position against the mainline of the resolved power levels event.</summary>
    public static List<int> Mainline(List<int> events, Pdu? powerLevels, EventGraph graph)
    {
        // position[i]: -1 not computed, int.MaxValue not on / not reaching the mainline.
        var position = new int[graph.Count];
        Array.Fill(position, -1);
        var onMainline = new int[graph.Count];
        Array.Fill(onMainline, -1);
        var mainlineIndex = 0;
        for (int? current = powerLevels is not null && graph.TryGetIndex(powerLevels.EventId, out var start) ? start : null;
             current is { } pl;
             current = PowerLevelsAuthEvent(pl, graph))
        {
            onMainline[pl] = mainlineIndex++;
        }

        var keyed = new (int Index, int Position, long Ts, string Id)[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            var pdu = graph[events[i]];
            keyed[i] = (events[i], MainlinePosition(events[i], onMainline, position, graph), pdu.OriginServerTs,
                pdu.EventId);
        }

        Array.Sort(keyed, (x, y) =>
        {
            var byPosition = y.Position.CompareTo(x.Position);
            if (byPosition != 0)
            {
                return byPosition;
            }

            var byTs = x.Ts.CompareTo(y.Ts);
            return byTs != 0 ? byTs : CodePointComparer.Instance.Compare(x.Id, y.Id);
        });
        return keyed.Select(k => k.Index).ToList();
    }

    /// <summary>
    /// The mainline index of the first power levels event reached by following power levels auth
    /// events from the event (the event itself not counted), or int.MaxValue for none.
    /// </summary>
    private static int MainlinePosition(int index, int[] onMainline, int[] memo, EventGraph graph)
    {
        var walked = new List<int>();
        var result = int.MaxValue;
        for (var current = PowerLevelsAuthEvent(index, graph); current is { } pl; current = PowerLevelsAuthEvent(pl, graph))
        {
            if (onMainline[pl] >= 0)
            {
                result = onMainline[pl];
                break;
            }

            if (memo[pl] >= 0)
            {
                result = memo[pl];
                break;
            }

            walked.Add(pl);
        }

        foreach (var pl in walked)
        {
            memo[pl] = result;
        }

        return result;
    }

    private static int? PowerLevelsAuthEvent(int index, EventGraph graph)
    {
        foreach (var auth in graph.AuthOf(index))
        {
            if (graph[auth].IsType(EventTypes.PowerLevels, ""))
            {
                return auth;
            }
        }

        return null;
    }

    private static PowerKey KeyFor(int index, EventGraph graph, Pdu? createEvent)
    {
        var pdu = graph[index];
        return new PowerKey(SenderPowerFromAuthEvents(index, graph, createEvent), pdu.OriginServerTs, pdu.EventId);
    }

    /// <summary>The sender's power level according to the event's own auth events.</summary>
    private static long SenderPowerFromAuthEvents(int index, EventGraph graph, Pdu? createEvent)
    {
        var state = new StateMap();
        if (createEvent is not null)
        {
            state.Set(createEvent);
        }

        foreach (var auth in graph.AuthOf(index))
        {
            var authEvent = graph[auth];
            if (authEvent.IsType(EventTypes.PowerLevels, "") || authEvent.IsType(EventTypes.Create, ""))
            {
                state.Set(authEvent);
            }
        }

        var pdu = graph[index];
        return new AuthState(state, pdu.Version).UserLevel(pdu.Sender);
    }

    private readonly record struct PowerKey(long Power, long Ts, string EventId);

    private sealed class PowerKeyComparer : IComparer<PowerKey>
    {
        public static readonly PowerKeyComparer Instance = new();

        public int Compare(PowerKey x, PowerKey y)
        {
            var byPower = y.Power.CompareTo(x.Power);
            if (byPower != 0)
            {
                return byPower;
            }

            var byTs = x.Ts.CompareTo(y.Ts);
            return byTs != 0 ? byTs : CodePointComparer.Instance.Compare(x.EventId, y.EventId);
        }
    }
}
