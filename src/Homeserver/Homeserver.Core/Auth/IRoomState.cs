using Homeserver.Core.Events;

namespace Homeserver.Core.Auth;

/// <summary>Read access to a room state: the event for a (type, state key), if any.</summary>
public interface IRoomState
{
    Pdu? Get(string type, string stateKey);
}

/// <summary>A room state held in a dictionary.</summary>
public sealed class StateMap : IRoomState
{
    private readonly Dictionary<TypeAndStateKey, Pdu> _events;

    public StateMap() => _events = [];

    public StateMap(IEnumerable<Pdu> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        _events = [];
        foreach (var pdu in events)
        {
            if (pdu.IsState)
            {
                _events[pdu.StateEntryKey] = pdu;
            }
        }
    }

    public StateMap(IReadOnlyDictionary<TypeAndStateKey, Pdu> events) => _events = new(events);

    public int Count => _events.Count;

    public IReadOnlyDictionary<TypeAndStateKey, Pdu> Events => _events;

    public Pdu? Get(string type, string stateKey) => _events.GetValueOrDefault(new(type, stateKey));

    public void Set(Pdu pdu)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        _events[pdu.StateEntryKey] = pdu;
    }
}
