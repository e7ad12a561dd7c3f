using System.Collections.Immutable;
using Homeserver.Core.Events;
using Homeserver.Core.StateResolution;

namespace Homeserver.Services.Rooms.Input;

/// <summary>
/// The stored events one input's preparation has read, fetched in batches and kept: the events the checks need and
/// the source state resolution reads (auth chains) through.
/// </summary>
internal sealed class EventSet(IRoomInputStore store, string roomId, RoomVersion version) : IStateResolutionSource
{
    private readonly Dictionary<string, InputStoredEvent> _events = new(StringComparer.Ordinal);

    public InputStoredEvent? Get(string eventId) => _events.GetValueOrDefault(eventId);

    /// <summary>An event not stored (the input itself), as resolution reads it.</summary>
    public void Add(Pdu pdu) => _events.TryAdd(pdu.EventId, new InputStoredEvent(pdu, false, false, null));

    /// <summary>Loads the events not read yet; returns the IDs that are not stored (a new list).</summary>
    public async Task<List<string>> LoadAsync(IEnumerable<string> eventIds, CancellationToken cancellationToken)
    {
        var wanted = eventIds.Where(id => !_events.ContainsKey(id)).Distinct(StringComparer.Ordinal).ToList();
        if (wanted.Count == 0)
        {
            return [];
        }

        foreach (var (id, stored) in await store.GetEventsAsync(wanted, cancellationToken))
        {
            // Another room's events are not this room's auth or state events, whatever an event claims.
            if (stored.Pdu.RoomId == roomId && stored.Pdu.Version.Id == version.Id)
            {
                _events[id] = stored;
            }
        }

        return wanted.Where(id => !_events.ContainsKey(id)).ToList();
    }

    /// <summary>The state a group holds, as events.</summary>
    public async Task<ImmutableDictionary<TypeAndStateKey, Pdu>> StateOfGroupAsync(long group,
        CancellationToken cancellationToken) =>
        await ToEventsAsync(await store.GetStateAsync(group, cancellationToken), cancellationToken);

    /// <summary>The state after each of the stored events (the forward extremities, say).</summary>
    public async Task<List<IReadOnlyDictionary<TypeAndStateKey, string>>> StatesAtAsync(IEnumerable<string> eventIds,
        CancellationToken cancellationToken)
    {
        var ids = eventIds.ToList();
        var missing = await LoadAsync(ids, cancellationToken);
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"Forward extremities not stored: {string.Join(", ", missing)}");
        }

        var sets = new List<IReadOnlyDictionary<TypeAndStateKey, string>>(ids.Count);
        foreach (var group in ids.Select(id => _events[id].StateGroupAfter).OfType<long>().Distinct())
        {
            sets.Add(await store.GetStateAsync(group, cancellationToken));
        }

        return sets;
    }

    /// <summary>The states resolved with the room version's algorithm, as events.</summary>
    public async Task<ImmutableDictionary<TypeAndStateKey, Pdu>> ResolveAsync(
        IReadOnlyList<IReadOnlyDictionary<TypeAndStateKey, string>> sets, CancellationToken cancellationToken)
    {
        var resolved = sets.Count == 1
            ? sets[0]
            : await StateResolver.ResolveAsync(version, sets, this, cancellationToken);
        return await ToEventsAsync(resolved, cancellationToken);
    }

    private async Task<ImmutableDictionary<TypeAndStateKey, Pdu>> ToEventsAsync(
        IReadOnlyDictionary<TypeAndStateKey, string> state, CancellationToken cancellationToken)
    {
        var missing = await LoadAsync(state.Values, cancellationToken);
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"State events not stored: {string.Join(", ", missing)}");
        }

        return state.ToImmutableDictionary(p => p.Key, p => _events[p.Value].Pdu);
    }

    async ValueTask<IReadOnlyCollection<Pdu>> IStateResolutionSource.GetEventsAsync(
        IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken)
    {
        await LoadAsync(eventIds, cancellationToken);
        return eventIds.Select(Get).OfType<InputStoredEvent>().Select(e => e.Pdu).ToList();
    }

    bool IStateResolutionSource.IsRejected(string eventId) => Get(eventId)?.Rejected ?? false;
}
