using Homeserver.Core.Events;

namespace Homeserver.Core.StateResolution;

/// <summary>
/// Resolves a set of room states (maps from (type, state key) to event ID) into one, with the
/// algorithm of the room version: v1 for room version 1, v2 for 2 to 11, v2.1 (MSC4297) for 12.
/// </summary>
public static class StateResolver
{
    public static async Task<Dictionary<TypeAndStateKey, string>> ResolveAsync(RoomVersion version,
        IReadOnlyList<IReadOnlyDictionary<TypeAndStateKey, string>> stateSets, IStateResolutionSource source,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(stateSets);
        ArgumentNullException.ThrowIfNull(source);
        return version.StateResolution == StateResolutionAlgorithm.V1
            ? await StateResolverV1.ResolveAsync(version, stateSets, source, cancellationToken)
            : await StateResolverV2.ResolveAsync(version, stateSets, source, cancellationToken);
    }

    /// <summary>
    /// The state after an event, S'(E): the state before it, with the event's own entry replaced when it
    /// is a state event.
    /// </summary>
    public static Dictionary<TypeAndStateKey, string> StateAfter(IReadOnlyDictionary<TypeAndStateKey, string> stateBefore,
        Pdu pdu)
    {
        ArgumentNullException.ThrowIfNull(stateBefore);
        ArgumentNullException.ThrowIfNull(pdu);
        var after = new Dictionary<TypeAndStateKey, string>(stateBefore);
        if (pdu.IsState)
        {
            after[pdu.StateEntryKey] = pdu.EventId;
        }

        return after;
    }

    /// <summary>
    /// Splits the states into the unconflicted map (same event under a key in every state) and the
    /// conflicted set (every other event, including keys some states lack).
    /// </summary>
    internal static (Dictionary<TypeAndStateKey, string> Unconflicted, HashSet<string> Conflicted) Partition(
        IReadOnlyList<IReadOnlyDictionary<TypeAndStateKey, string>> stateSets)
    {
        var unconflicted = new Dictionary<TypeAndStateKey, string>();
        var conflicted = new HashSet<string>(StringComparer.Ordinal);
        var entries = new Dictionary<TypeAndStateKey, KeyEntry>(stateSets.Sum(s => s.Count));
        foreach (var set in stateSets)
        {
            foreach (var (key, id) in set)
            {
                ref var entry = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(
                    entries, key, out var exists);
                if (!exists)
                {
                    entry.First = id;
                }
                else if (id != entry.First)
                {
                    (entry.Differing ??= []).Add(id);
                }

                entry.Count++;
            }
        }

        foreach (var (key, entry) in entries)
        {
            if (entry.Count == stateSets.Count && entry.Differing is null)
            {
                unconflicted[key] = entry.First;
                continue;
            }

            conflicted.Add(entry.First);
            conflicted.UnionWith(entry.Differing ?? []);
        }

        return (unconflicted, conflicted);
    }

    private struct KeyEntry
    {
        public string First;
        public int Count;
        public List<string>? Differing;
    }
}
