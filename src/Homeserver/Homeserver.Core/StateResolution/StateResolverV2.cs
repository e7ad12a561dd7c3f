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
        var (unconflicted, conflicted) = StateResolver.Partition(stateSets);
        if (conflicted.Count == 0)
        {
            return unconflicted;
        }

        var graph = new EventGraph(source);
        var chains = new List<HashSet<string>>(stateSets.Count);
        foreach (var set in stateSets)
        {
            chains.Add(await graph.LoadAuthChainAsync(set.Values, cancellationToken));
        }

        var fullConflicted = AuthDifference(chains);
        fullConflicted.UnionWith(conflicted);
        var isV21 = version.StateResolution == StateResolutionAlgorithm.V2Point1;
        if (isV21)
        {
            fullConflicted.UnionWith(graph.ConflictedSubgraph(conflicted));
        }

        fullConflicted.RemoveWhere(id => graph.Get(id) is null);
        var createEvent = await CreateEventAsync(version, graph, fullConflicted, unconflicted, cancellationToken);

        // Step 1: power events and the parts of their auth chains in the full conflicted set.
        var powerEvents = fullConflicted.Where(id => IsPowerEvent(graph.Get(id)!)).ToList();
        var powerSet = new HashSet<string>(powerEvents, StringComparer.Ordinal);
        powerSet.UnionWith(graph.AuthChainOf(powerEvents).Where(fullConflicted.Contains));
        var sortedPower = Orderings.ReverseTopologicalPower(powerSet, graph, createEvent);

        // Step 2: iterative auth checks, from the unconflicted state (v2) or from nothing (v2.1).
        var partial = isV21 ? new Dictionary<TypeAndStateKey, string>() : new(unconflicted);
        IterativeAuthChecks.Apply(partial, sortedPower, graph, createEvent);

        // Steps 3 and 4: the other events in mainline order, checked on top of the partial state.
        var others = fullConflicted.Where(id => !powerSet.Contains(id));
        var powerLevels = partial.GetValueOrDefault(new TypeAndStateKey(EventTypes.PowerLevels, ""));
        IterativeAuthChecks.Apply(partial, Orderings.Mainline(others, powerLevels, graph), graph, createEvent);

        // Step 5: the unconflicted state wins.
        foreach (var (key, id) in unconflicted)
        {
            partial[key] = id;
        }

        return partial;
    }

    /// <summary>A power event might take away someone's ability to act.</summary>
    internal static bool IsPowerEvent(Pdu pdu) =>
        pdu.IsState && (pdu.IsType(EventTypes.PowerLevels, "") || pdu.IsType(EventTypes.JoinRules, "") ||
                        (pdu.Type == EventTypes.Member && pdu.Membership is Memberships.Leave or Memberships.Ban &&
                         pdu.Sender != pdu.StateKey));

    private static HashSet<string> AuthDifference(List<HashSet<string>> chains)
    {
        var union = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chain in chains)
        {
            union.UnionWith(chain);
        }

        union.RemoveWhere(id => chains.TrueForAll(chain => chain.Contains(id)));
        return union;
    }

    /// <summary>
    /// The create event, which version 12 events do not list in auth_events: taken from the states or,
    /// failing that, from the room ID.
    /// </summary>
    private static async ValueTask<Pdu?> CreateEventAsync(RoomVersion version, EventGraph graph,
        HashSet<string> fullConflicted, Dictionary<TypeAndStateKey, string> unconflicted,
        CancellationToken cancellationToken)
    {
        if (!version.RoomIdIsCreateEventId)
        {
            return null;
        }

        var anyEvent = fullConflicted.Select(graph.Get).FirstOrDefault(e => e is not null);
        if (anyEvent is null)
        {
            return null;
        }

        var createId = "$" + anyEvent.RoomId[1..];
        await graph.LoadAsync(unconflicted.Values.Append(createId), cancellationToken);
        return graph.Get(createId);
    }
}
