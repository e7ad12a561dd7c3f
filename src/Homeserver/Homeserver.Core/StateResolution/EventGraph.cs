using Homeserver.Core.Events;

namespace Homeserver.Core.StateResolution;

/// <summary>
/// The events one resolution touches, loaded from the source in batches. Each loaded event gets a
/// dense index so the graph walks (auth chains, conflicted subgraph, orderings) run over arrays
/// rather than hashing event IDs again and again.
/// </summary>
internal sealed class EventGraph(IStateResolutionSource source, int expectedEvents = 0)
{
    private readonly Dictionary<string, int> _indexById = new(expectedEvents, StringComparer.Ordinal);
    private readonly List<string> _ids = new(expectedEvents);

    // Null where an event was asked for but the source does not have it.
    private readonly List<Pdu?> _events = new(expectedEvents);
    private readonly List<int[]> _authIndices = new(expectedEvents);
    private readonly List<bool> _requested = new(expectedEvents);

    public int Count => _events.Count;

    public Pdu this[int index] => _events[index]!;

    public Pdu? Get(string eventId) => _indexById.TryGetValue(eventId, out var index) ? _events[index] : null;

    public bool TryGetIndex(string eventId, out int index) =>
        _indexById.TryGetValue(eventId, out index) && _events[index] is not null;

    public bool IsRejected(string eventId) => source.IsRejected(eventId);

    /// <summary>Indices of the event's auth events that the source has.</summary>
    public int[] AuthOf(int index) => _authIndices[index];

    /// <summary>
    /// Loads the events (those not loaded yet) without their auth chains; graph walks only follow
    /// auth_events edges to events loaded at that time.
    /// </summary>
    public async ValueTask LoadAsync(IEnumerable<string> eventIds, CancellationToken cancellationToken)
    {
        var fetched = await FetchAsync(NewIndices(eventIds), cancellationToken);
        ResolveAuthIndices(fetched, next: null);
    }

    /// <summary>Loads the events and everything reachable from them through auth_events, one batch per level.</summary>
    public async ValueTask LoadWithAuthChainsAsync(IEnumerable<string> startIds, CancellationToken cancellationToken)
    {
        var frontier = NewIndices(startIds);
        while (frontier.Count > 0)
        {
            var fetched = await FetchAsync(frontier, cancellationToken);
            frontier = [];
            ResolveAuthIndices(fetched, frontier);
        }

        DropMissingAuthIndices();
    }

    /// <summary>
    /// The union of the auth chains of the events; the events themselves are in it only if cited, unless
    /// <paramref name="includeStarts"/>.
    /// </summary>
    public bool[] AuthChainOf(IEnumerable<int> starts, bool includeStarts = false)
    {
        var inChain = new bool[Count];
        var stack = new Stack<int>(starts);
        if (includeStarts)
        {
            foreach (var start in stack)
            {
                inChain[start] = true;
            }
        }

        while (stack.Count > 0)
        {
            foreach (var auth in AuthOf(stack.Pop()))
            {
                if (!inChain[auth])
                {
                    inChain[auth] = true;
                    stack.Push(auth);
                }
            }
        }

        return inChain;
    }

    /// <summary>
    /// Room version 12's conflicted state subgraph: every event on an auth_events path from one
    /// conflicted event to another, endpoints included.
    /// </summary>
    public bool[] ConflictedSubgraph(IReadOnlyCollection<int> conflicted)
    {
        var isConflicted = new bool[Count];
        foreach (var index in conflicted)
        {
            isConflicted[index] = true;
        }

        // Every event this walk visits is reachable from the conflicted set; it is in the subgraph when
        // it also reaches a conflicted event. reaches[i]: 0 unknown, 1 reaches a conflicted event, 2 does not. Iterative post-order DFS.
        var reaches = new byte[Count];
        var subgraph = new bool[Count];
        var stack = new Stack<(int Node, int Next)>();
        foreach (var start in conflicted)
        {
            stack.Push((start, 0));
            while (stack.Count > 0)
            {
                var (node, next) = stack.Pop();
                var auth = AuthOf(node);
                if (next < auth.Length)
                {
                    stack.Push((node, next + 1));
                    if (reaches[auth[next]] == 0)
                    {
                        stack.Push((auth[next], 0));
                    }

                    continue;
                }

                var result = isConflicted[node] || Array.Exists(auth, a => reaches[a] == 1);
                reaches[node] = result ? (byte)1 : (byte)2;
                subgraph[node] = result;
            }
        }

        return subgraph;
    }

    private List<int> NewIndices(IEnumerable<string> eventIds)
    {
        var created = new List<int>();
        foreach (var id in eventIds)
        {
            var index = IndexFor(id, out var isNew);
            if (isNew || (_events[index] is null && !_requested[index]))
            {
                created.Add(index);
            }
        }

        return created;
    }

    private int IndexFor(string eventId, out bool isNew)
    {
        ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(
            _indexById, eventId, out var exists);
        isNew = !exists;
        if (isNew)
        {
            slot = _events.Count;
            _ids.Add(eventId);
            _events.Add(null);
            _authIndices.Add([]);
            _requested.Add(false);
        }

        return slot;
    }

    private async ValueTask<List<int>> FetchAsync(List<int> indices, CancellationToken cancellationToken)
    {
        var fetched = new List<int>(indices.Count);
        if (indices.Count == 0)
        {
            return fetched;
        }

        foreach (var index in indices)
        {
            _requested[index] = true;
        }

        foreach (var pdu in await source.GetEventsAsync(indices.ConvertAll(i => _ids[i]), cancellationToken))
        {
            if (_indexById.TryGetValue(pdu.EventId, out var index) && _events[index] is null)
            {
                _events[index] = pdu;
                fetched.Add(index);
            }
        }

        return fetched;
    }

    /// <summary>Gives each fetched event its auth events' indices; new auth events go to <paramref name="next"/>.</summary>
    private void ResolveAuthIndices(List<int> fetched, List<int>? next)
    {
        foreach (var index in fetched)
        {
            var authIds = _events[index]!.AuthEvents;
            var authIndices = new int[authIds.Count];
            for (var i = 0; i < authIds.Count; i++)
            {
                authIndices[i] = IndexFor(authIds[i], out var isNew);
                if (isNew)
                {
                    next?.Add(authIndices[i]);
                }
            }

            _authIndices[index] = authIndices;
        }

        if (next is null)
        {
            DropMissingAuthIndices();
        }
    }

    /// <summary>Auth events the source does not have are left out of the graph.</summary>
    private void DropMissingAuthIndices()
    {
        if (!_events.Contains(null))
        {
            return;
        }

        for (var i = 0; i < _authIndices.Count; i++)
        {
            var auth = _authIndices[i];
            var known = 0;
            foreach (var a in auth)
            {
                known += _events[a] is null ? 0 : 1;
            }

            if (known < auth.Length)
            {
                var kept = new int[known];
                var k = 0;
                foreach (var a in auth)
                {
                    if (_events[a] is not null)
                    {
                        kept[k++] = a;
                    }
                }

                _authIndices[i] = kept;
            }
        }
    }
}
