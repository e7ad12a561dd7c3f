using Homeserver.Core.Auth;
using Homeserver.Core.Events;

namespace Homeserver.Core.StateResolution;

/// <summary>The two orderings of state resolution v2: reverse topological power ordering and mainline ordering.</summary>
internal static class Orderings
{
    /// <summary>
    /// Kahn's algorithm over the auth DAG restricted to the events, taking at each step the smallest
    /// candidate by (higher sender power first, then origin_server_ts, then event_id).
    /// </summary>
    public static List<string> ReverseTopologicalPower(IReadOnlyCollection<string> eventIds, EventGraph graph,
        Pdu? createEvent)
    {
        var inSet = new HashSet<string>(eventIds, StringComparer.Ordinal);
        var pendingAuth = new Dictionary<string, int>(StringComparer.Ordinal);
        var citedBy = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var id in inSet)
        {
            var count = 0;
            foreach (var authId in graph.Get(id)?.AuthEvents ?? [])
            {
                if (!inSet.Contains(authId))
                {
                    continue;
                }

                count++;
                if (!citedBy.TryGetValue(authId, out var list))
                {
                    list = [];
                    citedBy[authId] = list;
                }

                list.Add(id);
            }

            pendingAuth[id] = count;
        }

        var queue = new PriorityQueue<string, PowerKey>(PowerKeyComparer.Instance);
        foreach (var (id, count) in pendingAuth)
        {
            if (count == 0)
            {
                queue.Enqueue(id, KeyFor(id, graph, createEvent));
            }
        }

        var sorted = new List<string>(inSet.Count);
        while (queue.TryDequeue(out var id, out _))
        {
            sorted.Add(id);
            foreach (var citer in citedBy.GetValueOrDefault(id) ?? [])
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
    public static List<string> Mainline(IEnumerable<string> eventIds, string? powerLevelsId, EventGraph graph)
    {
        var mainline = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var (current, index) = (powerLevelsId, 0); current is not null && graph.Get(current) is { } pl; index++)
        {
            mainline[current] = index;
            current = PowerLevelsAuthEvent(pl, graph);
        }

        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        var keyed = new List<(string Id, int Position, long Ts)>();
        foreach (var id in eventIds)
        {
            if (graph.Get(id) is not { } pdu)
            {
                continue;
            }

            keyed.Add((id, MainlinePosition(pdu, mainline, positions, graph), pdu.OriginServerTs));
        }

        keyed.Sort((x, y) =>
        {
            var byPosition = y.Position.CompareTo(x.Position);
            if (byPosition != 0)
            {
                return byPosition;
            }

            var byTs = x.Ts.CompareTo(y.Ts);
            return byTs != 0 ? byTs : string.CompareOrdinal(x.Id, y.Id);
        });
        return keyed.Select(k => k.Id).ToList();
    }

    /// <summary>
    /// The index on the mainline of the first power levels event reached by following power levels
    /// auth events from the event (the event itself not counted), or int.MaxValue for none.
    /// </summary>
    private static int MainlinePosition(Pdu pdu, Dictionary<string, int> mainline, Dictionary<string, int> memo,
        EventGraph graph)
    {
        var walked = new List<string>();
        var position = int.MaxValue;
        for (var current = PowerLevelsAuthEvent(pdu, graph); current is not null;)
        {
            if (mainline.TryGetValue(current, out var index))
            {
                position = index;
                break;
            }

            if (memo.TryGetValue(current, out var known))
            {
                position = known;
                break;
            }

            walked.Add(current);
            current = graph.Get(current) is { } pl ? PowerLevelsAuthEvent(pl, graph) : null;
        }

        foreach (var id in walked)
        {
            memo[id] = position;
        }

        return position;
    }

    private static string? PowerLevelsAuthEvent(Pdu pdu, EventGraph graph)
    {
        foreach (var authId in pdu.AuthEvents)
        {
            if (graph.Get(authId) is { } auth && auth.IsType(EventTypes.PowerLevels, ""))
            {
                return authId;
            }
        }

        return null;
    }

    private static PowerKey KeyFor(string id, EventGraph graph, Pdu? createEvent)
    {
        var pdu = graph.Get(id)!;
        return new PowerKey(SenderPowerFromAuthEvents(pdu, graph, createEvent), pdu.OriginServerTs, id);
    }

    /// <summary>The sender's power level according to the event's own auth events.</summary>
    internal static long SenderPowerFromAuthEvents(Pdu pdu, EventGraph graph, Pdu? createEvent)
    {
        Pdu? powerLevels = null;
        Pdu? create = createEvent;
        foreach (var authId in pdu.AuthEvents)
        {
            if (graph.Get(authId) is not { } auth)
            {
                continue;
            }

            if (auth.IsType(EventTypes.PowerLevels, ""))
            {
                powerLevels = auth;
            }
            else if (auth.IsType(EventTypes.Create, ""))
            {
                create = auth;
            }
        }

        var state = new StateMap();
        if (powerLevels is not null)
        {
            state.Set(powerLevels);
        }

        if (create is not null)
        {
            state.Set(create);
        }

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
            return byTs != 0 ? byTs : string.CompareOrdinal(x.EventId, y.EventId);
        }
    }
}
