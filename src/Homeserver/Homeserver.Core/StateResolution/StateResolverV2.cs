using Homeserver.Core.Events;

namespace Homeserver.Core.StateResolution;

/// <summary>
/// State resolution v2 (room versions 2 to 11) and v2.1 (room version 12, MSC4297: iterative auth
/// checks of power events start from an empty state, and the conflicted state subgraph joins the full
/// conflicted set).
/// </summary>
internal static class StateResolverV2
{
    public static async Task<Dictionary<TypeAndStateKey, string>> ResolveAsync(RoomVersion version,
        IReadOnlyList<IReadOnlyDictionary<TypeAndStateKey, string>> stateSets, IStateResolutionSource source,
        CancellationToken cancellationToken)
    {
        var (unconflicted, conflictedIds) = StateResolver.Partition(stateSets);
        if (conflictedIds.Count == 0)
        {
            return unconflicted;
        }

        var graph = new EventGraph(source, expectedEvents: stateSets.Sum(s => s.Count));
        await graph.LoadWithAuthChainsAsync(stateSets.SelectMany(s => s.Values), cancellationToken);
        var createEvent = await CreateEventAsync(version, graph, conflictedIds, cancellationToken);

        var conflicted = Indices(conflictedIds, graph);
        var inFullConflicted = AuthDifference(stateSets, graph);
        foreach (var index in conflicted)
        {
            inFullConflicted[index] = true;
        }

        var isV21 = version.StateResolution == StateResolutionAlgorithm.V2Point1;
        if (isV21)
        {
            var subgraph = graph.ConflictedSubgraph(conflicted);
            for (var i = 0; i < subgraph.Length; i++)
            {
                inFullConflicted[i] |= subgraph[i];
            }
        }

        // Step 1: power events and the parts of their auth chains in the full conflicted set.
        var powerEvents = new List<int>();
        for (var i = 0; i < inFullConflicted.Length; i++)
        {
            if (inFullConflicted[i] && IsPowerEvent(graph[i]))
            {
                powerEvents.Add(i);
            }
        }

        var inPowerSet = graph.AuthChainOf(powerEvents);
        var powerSet = new List<int>();
        for (var i = 0; i < inPowerSet.Length; i++)
        {
            inPowerSet[i] &= inFullConflicted[i];
        }

        foreach (var index in powerEvents)
        {
            inPowerSet[index] = true;
        }

        var others = new List<int>();
        for (var i = 0; i < inPowerSet.Length; i++)
        {
            if (inPowerSet[i])
            {
                powerSet.Add(i);
            }
            else if (inFullConflicted[i])
            {
                others.Add(i);
            }
        }

        var sortedPower = Orderings.ReverseTopologicalPower(powerSet, graph, createEvent);

        // Step 2: iterative auth checks, from the unconflicted state (v2) or from nothing (v2.1).
        var partial = new Dictionary<TypeAndStateKey, Pdu>(unconflicted.Count + conflictedIds.Count);
        if (!isV21)
        {
            foreach (var (key, id) in unconflicted)
            {
                if (graph.Get(id) is { } pdu)
                {
                    partial[key] = pdu;
                }
            }
        }

        IterativeAuthChecks.Apply(partial, sortedPower, graph, createEvent);

        // Steps 3 and 4: the other events in mainline order, checked on top of the partial state.
        var powerLevels = partial.GetValueOrDefault(new TypeAndStateKey(EventTypes.PowerLevels, ""));
        IterativeAuthChecks.Apply(partial, Orderings.Mainline(others, powerLevels, graph), graph, createEvent);

        // Step 5: the unconflicted state wins.
        var resolved = partial.ToDictionary(entry => entry.Key, entry => entry.Value.EventId);
        foreach (var (key, id) in unconflicted)
        {
            resolved[key] = id;
        }

        return resolved;
    }

    /// <summary>A power event might take away someone's ability to act.</summary>
    internal static bool IsPowerEvent(Pdu pdu) =>
        pdu.IsState && (pdu.IsType(EventTypes.PowerLevels, "") || pdu.IsType(EventTypes.JoinRules, "") ||
                        (pdu.Type == EventTypes.Member && pdu.Membership is Memberships.Leave or Memberships.Ban &&
                         pdu.Sender != pdu.StateKey));

    /// <summary>
    /// The events in some but not all of the states' full auth chains, where a state's chain includes its
    /// own events. The spec's wording leaves them out, but Synapse (whose chain cover index answers
    /// "reachable from the state set", the set included) and so the rooms in the wild count them; leaving
    /// them out puts an unconflicted event cited by one fork only into the full conflicted set.
    /// </summary>
    private static bool[] AuthDifference(IReadOnlyList<IReadOnlyDictionary<TypeAndStateKey, string>> stateSets,
        EventGraph graph)
    {
        var counts = new int[graph.Count];
        foreach (var set in stateSets)
        {
            var chain = graph.AuthChainOf(Indices(set.Values, graph), includeStarts: true);
            for (var i = 0; i < chain.Length; i++)
            {
                counts[i] += chain[i] ? 1 : 0;
            }
        }

        var difference = new bool[graph.Count];
        for (var i = 0; i < counts.Length; i++)
        {
            difference[i] = counts[i] > 0 && counts[i] < stateSets.Count;
        }

        return difference;
    }

    private static List<int> Indices(IEnumerable<string> eventIds, EventGraph graph)
    {
        var indices = new List<int>();
        foreach (var id in eventIds)
        {
            if (graph.TryGetIndex(id, out var index))
            {
                indices.Add(index);
            }
        }

        return indices;
    }

    /// <summary>The create event, which version 12 events do not list in auth_events: found from the room ID.</summary>
    private static async ValueTask<Pdu?> CreateEventAsync(RoomVersion version, EventGraph graph,
        HashSet<string> conflicted, CancellationToken cancellationToken)
    {
        if (!version.RoomIdIsCreateEventId || conflicted.Select(graph.Get).FirstOrDefault(e => e is not null) is not { } any)
        {
            return null;
        }

        var createId = "$" + any.RoomId[1..];
        await graph.LoadAsync([createId], cancellationToken);
        return graph.Get(createId);
    }
}
