using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Rooms.Input;

/// <summary>How an input event relates to the room's timeline.</summary>
public enum InputKind
{
    /// <summary>A new event at the room's edge: it may move the forward extremities and the current state.</summary>
    New,

    /// <summary>An event known only for its own sake (an auth or state event fetched to check another): stored
    /// without a timeline position, without state, and moving nothing.</summary>
    Outlier,

    /// <summary>An older event (/backfill): stored with its state before the timeline's start, moving nothing.</summary>
    Backfill,
}

/// <summary>
/// One event entering a room through <see cref="RoomWriter.InputAsync"/>: a PDU already built, hashed and signed
/// (by this server or another; signature and hash checks belong to whoever received it, before input).
/// </summary>
/// <param name="Origin">The server it came from (this server for local events).</param>
public sealed record InputEvent(Pdu Pdu, InputKind Kind, ServerName Origin)
{
    /// <summary>
    /// The room state at the event (before it), as event IDs, for an event whose prev events are not stored
    /// (from send_join or /state_ids). Every event it names must be stored (as outliers at least).
    /// </summary>
    public IReadOnlyCollection<EventId>? StateBefore { get; init; }

    /// <summary>
    /// For a backfilled event: the (negative) timeline position to give it, reserved with
    /// <see cref="IBackfillPositions"/> so that a batch input oldest first still reads oldest first; null takes the
    /// next one below every other.
    /// </summary>
    public long? BackfillPosition { get; init; }

    /// <summary>The client transaction this event answers (local sends).</summary>
    public ClientTransaction? Transaction { get; init; }

    public RoomId RoomId => RoomId.Parse(Pdu.RoomId);

    public EventId EventId => EventId.Parse(Pdu.EventId);
}

/// <summary>Timeline positions for backfilled events, below every position given so far.</summary>
public interface IBackfillPositions
{
    /// <summary>Reserves <paramref name="count"/> positions, returned lowest (oldest) first.</summary>
    Task<IReadOnlyList<long>> ReserveAsync(int count, CancellationToken cancellationToken);
}

/// <summary>What became of an input event.</summary>
public enum InputStatus
{
    /// <summary>Stored and, for new events, part of the timeline and the room's state.</summary>
    Accepted,

    /// <summary>Stored, allowed by the state before it but not by the room's current state: kept out of the
    /// timeline and of the state (server-server API, "Soft failure").</summary>
    SoftFailed,

    /// <summary>Stored as rejected (it failed the auth rules): never served, never part of any state.</summary>
    Rejected,

    /// <summary>Already stored: nothing was written.</summary>
    AlreadyStored,

    /// <summary>Nothing was written: some events it needs (auth events, prev events without state-before, or the
    /// events its state-before names) are not stored. <see cref="InputResult.Missing"/> names them.</summary>
    MissingEvents,
}

/// <param name="StreamOrdering">The event's position in the global stream, when it has one (not for outliers,
/// rejected or already stored events; backfilled events have negative ones).</param>
public sealed record InputResult(EventId EventId, InputStatus Status, string? Reason = null,
    long? StreamOrdering = null, IReadOnlyList<EventId>? Missing = null);
