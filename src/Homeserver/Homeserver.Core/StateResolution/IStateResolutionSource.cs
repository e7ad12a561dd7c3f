using Homeserver.Core.Events;

namespace Homeserver.Core.StateResolution;

/// <summary>
/// Where state resolution gets events from: storage in the server, a dictionary in tests. Fetches are
/// batched (one call per step of an auth chain walk) so a database can answer each with one query.
/// </summary>
public interface IStateResolutionSource
{
    /// <summary>The events with these IDs that are known; unknown IDs are left out.</summary>
    ValueTask<IReadOnlyCollection<Pdu>> GetEventsAsync(IReadOnlyCollection<string> eventIds,
        CancellationToken cancellationToken);

    /// <summary>Whether the event was rejected on receipt (rejected auth events are not used as fallbacks).</summary>
    bool IsRejected(string eventId);
}

/// <summary>A source over events already in memory.</summary>
public sealed class InMemoryEventSource : IStateResolutionSource
{
    private readonly Dictionary<string, Pdu> _events = new(StringComparer.Ordinal);
    private readonly HashSet<string> _rejected = new(StringComparer.Ordinal);

    public InMemoryEventSource(IEnumerable<Pdu> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var pdu in events)
        {
            _events[pdu.EventId] = pdu;
        }
    }

    public void Add(Pdu pdu)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        _events[pdu.EventId] = pdu;
    }

    public void MarkRejected(string eventId) => _rejected.Add(eventId);

    public ValueTask<IReadOnlyCollection<Pdu>> GetEventsAsync(IReadOnlyCollection<string> eventIds,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(eventIds);
        var found = new List<Pdu>(eventIds.Count);
        foreach (var id in eventIds)
        {
            if (_events.TryGetValue(id, out var pdu))
            {
                found.Add(pdu);
            }
        }

        return ValueTask.FromResult<IReadOnlyCollection<Pdu>>(found);
    }

    public bool IsRejected(string eventId) => _rejected.Contains(eventId);
}
