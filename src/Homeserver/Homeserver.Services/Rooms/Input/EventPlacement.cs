using System.Collections.Immutable;
using Homeserver.Core.Events;

namespace Homeserver.Services.Rooms.Input;

/// <summary>
/// Where an input event goes in the room, as decided before the locked append (<see cref="RoomInputPreparer"/>):
/// what the store writes besides the event itself. A <see cref="NewRoomEvent"/> without a placement is a local
/// event built on the head it is appended to (its prev events are the head's extremities): the state before it is
/// the current state, it becomes the only extremity and its state entry joins the current state.
/// </summary>
public sealed record EventPlacement(InputKind Kind)
{
    /// <summary>The auth rule it failed: stored as rejected, in no state, moving nothing.</summary>
    public string? RejectedReason { get; init; }

    /// <summary>Allowed by the state before it, not by the current state: stored, out of timeline and state.</summary>
    public bool SoftFailed { get; init; }

    /// <summary>The state before the event (null for an outlier: it has none).</summary>
    public ImmutableDictionary<TypeAndStateKey, Pdu>? StateBefore { get; init; }

    /// <summary>A stored state group holding exactly <see cref="StateBefore"/>, when one is known.</summary>
    public long? StateBeforeGroup { get; init; }

    /// <summary>The room's forward extremities after the event (null: unchanged).</summary>
    public IReadOnlyList<Pdu>? ExtremitiesAfter { get; init; }

    /// <summary>The room's current state after the event (null: unchanged).</summary>
    public ImmutableDictionary<TypeAndStateKey, Pdu>? CurrentStateAfter { get; init; }

    /// <summary>Its prev events were the head's extremities: the state before it is the current state, and the
    /// current state after it differs from it by the event's own entry at most.</summary>
    public bool FollowsHead { get; init; }

    /// <summary>The reserved position of a backfilled event (<see cref="InputEvent.BackfillPosition"/>).</summary>
    public long? BackfillPosition { get; init; }

    /// <summary>Whether the event gets a place in the timeline (a stream position) and is told to observers.</summary>
    public bool InTimeline => Kind != InputKind.Outlier && RejectedReason is null && !SoftFailed;

    /// <summary>Whether the event's own entry is part of the state after it.</summary>
    public bool TakesEffect => RejectedReason is null && StateBefore is not null;
}

/// <summary>Thrown by a prepared append when the room's head moved since it was prepared: prepare again.</summary>
public sealed class RoomHeadMovedException(string roomId) : Exception($"The head of {roomId} moved");
