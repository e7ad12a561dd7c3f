using System.Collections.Immutable;
using Homeserver.Core.Auth;
using Homeserver.Core.Events;
using Homeserver.Services.Accounts;

namespace Homeserver.Services.Rooms;

/// <summary>
/// What a room's writer starts from: its version, forward extremities and current state. Immutable;
/// a write produces the next head. The state is a persistent map: the next head shares all but the changed entry
/// with this one, so a state event costs O(log n), not a copy of the room's whole state.
/// </summary>
public sealed record RoomHead(
    string RoomId,
    RoomVersion Version,
    IReadOnlyList<Pdu> ForwardExtremities,
    ImmutableDictionary<TypeAndStateKey, Pdu> State,
    long LastStream,
    long? StateGroup)
{
    /// <summary>The current state as the auth rules read it (no copy).</summary>
    public IRoomState RoomState => new HeadState(State);

    public Pdu? Get(string type, string stateKey) => State.GetValueOrDefault(new TypeAndStateKey(type, stateKey));

    /// <summary>
    /// The head after <paramref name="pdu"/>, whose prev events are this head's extremities (a local event built
    /// on it): it is the only extremity and the state includes it. Any other event needs an
    /// <see cref="Input.EventPlacement"/> (its state comes from its own prev events).
    /// </summary>
    public RoomHead After(Pdu pdu)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        if (!PrevEventsAreExtremities(pdu))
        {
            throw new InvalidOperationException(
                $"{pdu.EventId} does not follow the head of {RoomId}: its placement must be prepared");
        }

        return this with
        {
            ForwardExtremities = [pdu],
            State = pdu.IsState ? State.SetItem(pdu.StateEntryKey, pdu) : State,
        };
    }

    /// <summary>Whether the event's prev events are exactly the forward extremities (the state before it is then
    /// the current state: the fast path).</summary>
    public bool PrevEventsAreExtremities(Pdu pdu)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        var prev = pdu.PrevEvents;
        if (prev.Count != ForwardExtremities.Count)
        {
            return false;
        }

        foreach (var extremity in ForwardExtremities)
        {
            if (!prev.Contains(extremity.EventId, StringComparer.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The head after an event placed by the input path.</summary>
    public RoomHead After(Input.EventPlacement placement)
    {
        ArgumentNullException.ThrowIfNull(placement);
        return this with
        {
            ForwardExtremities = placement.ExtremitiesAfter ?? ForwardExtremities,
            State = placement.CurrentStateAfter ?? State,
        };
    }

    private sealed class HeadState(ImmutableDictionary<TypeAndStateKey, Pdu> state) : IRoomState
    {
        public Pdu? Get(string type, string stateKey) => state.GetValueOrDefault(new TypeAndStateKey(type, stateKey));
    }
}

/// <summary>A new event to persist, with the client transaction it answers, if any.</summary>
public sealed record NewRoomEvent(Pdu Pdu, ClientTransaction? Transaction = null)
{
    /// <summary>Where the input path placed it (null: a local event built on the head it is appended to).</summary>
    public Input.EventPlacement? Placement { get; init; }
}

/// <summary>A client's transaction ID and the scope it is unique in.</summary>
public sealed record ClientTransaction(TransactionScope Scope, string TxnId);

/// <summary>An event as persisted: its place in the global stream.</summary>
public sealed record PersistedEvent(Pdu Pdu, long StreamOrdering);

/// <summary>An event as read back for clients: the stored event and what its redaction and stream position are.</summary>
public sealed record StoredEvent(
    Pdu Pdu,
    long? StreamOrdering,
    Pdu? RedactedBecause,
    string? ReplacesState,
    ClientTransaction? Transaction)
{
    /// <summary>Served pruned because its sender is erased and the reader was not joined when it was sent: the
    /// content of the state it replaced is not shown either.</summary>
    public bool PrunedForErasedSender { get; init; }
}

public static class RoomLimits
{
    /// <summary>Cut a state group's delta chain after this many links (a full snapshot follows).</summary>
    public const int MaxStateChain = 50;
}
