using Homeserver.Core.Events;

namespace Homeserver.Core.StateResolution;

/// <summary>
/// The events one resolution touches, loaded from the source in batches, with the auth-graph walks
/// the algorithms need (auth chains, the conflicted state subgraph).
/// </summary>
internal sealed class EventGraph(IStateResolutionSource source)
{
    private readonly Dictionary<string, Pdu> _events = new(StringComparer.Ordinal);

    public IStateResolutionSource Source => source;

    public Pdu? Get(string eventId) => _events.GetValueOrDefault(eventId);

    public bool IsRejected(string eventId) => source.IsRejected(eventId);

    public async ValueTask LoadAsync(IEnumerable<string> eventIds, CancellationToken cancellationToken)
    {
        var missing = eventIds.Where(id => !_events.ContainsKey(id)).Distinct(StringComparer.Ordinal).ToList();
        if (missing.Count == 0)
        {
            return;
        }

        foreach (var pdu in await source.GetEventsAsync(missing, cancellationToken))
        {
            _events[pdu.EventId] = pdu;
        }
    }

    /// <summary>
    /// Loads everything reachable from the given events through auth_events, one batch per level, and
    /// returns the union of their auth chains (the starting events themselves are not included unless
    /// another start cites them).
    /// </summary>
    public async ValueTask<HashSet<string>> LoadAuthChainAsync(IEnumerable<string> startIds,
        CancellationToken cancellationToken)
    {
        var chain = new HashSet<string>(StringComparer.Ordinal);
        var frontier = startIds.Distinct(StringComparer.Ordinal).ToList();
        await LoadAsync(frontier, cancellationToken);
        while (frontier.Count > 0)
        {
            var next = new List<string>();
            foreach (var id in frontier)
            {
                if (Get(id) is not { } pdu)
                {
                    continue;
                }

                foreach (var authId in pdu.AuthEvents)
                {
                    if (chain.Add(authId))
                    {
                        next.Add(authId);
                    }
                }
            }

            await LoadAsync(next, cancellationToken);
            frontier = next;
        }

        return chain;
    }

    /// <summary>The auth chain of the given (already loaded) events, restricted to nothing.</summary>
    public HashSet<string> AuthChainOf(IEnumerable<string> startIds)
    {
        var chain = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>(startIds);
        while (stack.Count > 0)
        {
            if (Get(stack.Pop()) is not { } pdu)
            {
                continue;
            }

            foreach (var authId in pdu.AuthEvents)
            {
                if (chain.Add(authId))
                {
                    stack.Push(authId);
                }
            }
        }

        return chain;
    }

    /// <summary>
    /// Room version 12's conflicted state subgraph: every event on an auth_events path from one
    /// conflicted event to another (endpoints included). Found as the events reachable from the
    /// conflicted set that can also reach it.
    /// </summary>
    public HashSet<string> ConflictedSubgraph(IReadOnlyCollection<string> conflicted)
    {
        var reachable = new HashSet<string>(conflicted, StringComparer.Ordinal);
        var citedBy = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var stack = new Stack<string>(conflicted);
        while (stack.Count > 0)
        {
            var id = stack.Pop();
            if (Get(id) is not { } pdu)
            {
                continue;
            }

            foreach (var authId in pdu.AuthEvents)
            {
                if (!citedBy.TryGetValue(authId, out var citers))
                {
                    citers = [];
                    citedBy[authId] = citers;
                }

                citers.Add(id);
                if (reachable.Add(authId))
                {
                    stack.Push(authId);
                }
            }
        }

        var subgraph = new HashSet<string>(conflicted, StringComparer.Ordinal);
        var back = new Stack<string>(conflicted);
        while (back.Count > 0)
        {
            if (!citedBy.TryGetValue(back.Pop(), out var citers))
            {
                continue;
            }

            foreach (var citer in citers)
            {
                if (subgraph.Add(citer))
                {
                    back.Push(citer);
                }
            }
        }

        return subgraph;
    }
}
