using System.Security.Cryptography;
using Homeserver.Core.Auth;
using Homeserver.Core.Events;

namespace Homeserver.Core.StateResolution;

/// <summary>
/// The original state resolution of room version 1: keep the union of the states without conflicts,
/// then settle conflicts over power levels, join rules and memberships by replaying them in (depth,
/// sha1(event_id)) order while they pass auth, and pick other conflicts by highest depth.
/// </summary>
internal static class StateResolverV1
{
    public static async Task<Dictionary<TypeAndStateKey, string>> ResolveAsync(RoomVersion version,
        IReadOnlyList<IReadOnlyDictionary<TypeAndStateKey, string>> stateSets, IStateResolutionSource source,
        CancellationToken cancellationToken)
    {
        var resolved = new Dictionary<TypeAndStateKey, string>();
        var conflicts = new Dictionary<TypeAndStateKey, HashSet<string>>();
        foreach (var key in stateSets.SelectMany(s => s.Keys).Distinct())
        {
            var ids = stateSets.Where(s => s.ContainsKey(key)).Select(s => s[key]).ToHashSet(StringComparer.Ordinal);
            if (ids.Count == 1)
            {
                resolved[key] = ids.First();
            }
            else
            {
                conflicts[key] = ids;
            }
        }

        if (conflicts.Count == 0)
        {
            return resolved;
        }

        var graph = new EventGraph(source);
        await graph.LoadAsync(resolved.Values.Concat(conflicts.Values.SelectMany(ids => ids)), cancellationToken);
        var state = new StateMap(resolved.Values.Select(graph.Get).OfType<Pdu>());

        foreach (var type in new[] { EventTypes.PowerLevels, EventTypes.JoinRules, EventTypes.Member })
        {
            foreach (var (key, ids) in conflicts.Where(c => c.Key.Type == type).OrderBy(c => c.Key.StateKey, StringComparer.Ordinal))
            {
                ReplayWhileAllowed(Events(ids, graph), state);
            }
        }

        var handled = new HashSet<string>([EventTypes.PowerLevels, EventTypes.JoinRules, EventTypes.Member]);
        foreach (var (_, ids) in conflicts.Where(c => !handled.Contains(c.Key.Type)))
        {
            // Highest depth first, then lowest sha1(event_id): the first that passes auth wins.
            var candidates = Events(ids, graph).OrderByDescending(e => e.Depth).ThenBy(e => Sha1(e.EventId), ByteOrder.Instance);
            if (candidates.FirstOrDefault(e => EventAuthorizer.Authorize(e, state).IsAllowed) is { } winner)
            {
                state.Set(winner);
            }
        }

        return state.Events.ToDictionary(e => e.Key, e => e.Value.EventId);
    }

    /// <summary>Sort by ascending depth then descending sha1(event_id); the first always applies, the rest while allowed.</summary>
    private static void ReplayWhileAllowed(List<Pdu> events, StateMap state)
    {
        var ordered = events.OrderBy(e => e.Depth).ThenByDescending(e => Sha1(e.EventId), ByteOrder.Instance).ToList();
        if (ordered.Count == 0)
        {
            return;
        }

        state.Set(ordered[0]);
        foreach (var pdu in ordered.Skip(1))
        {
            if (!EventAuthorizer.Authorize(pdu, state).IsAllowed)
            {
                return;
            }

            state.Set(pdu);
        }
    }

    private static List<Pdu> Events(IEnumerable<string> ids, EventGraph graph) =>
        ids.Select(graph.Get).OfType<Pdu>().ToList();

#pragma warning disable CA5350 // SHA-1 is what room version 1's algorithm specifies, not a security use.
    private static byte[] Sha1(string eventId) => SHA1.HashData(System.Text.Encoding.UTF8.GetBytes(eventId));
#pragma warning restore CA5350

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
