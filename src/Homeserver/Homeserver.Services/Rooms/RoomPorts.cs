using Homeserver.Core.Events;

namespace Homeserver.Services.Rooms;

/// <summary>The write side of the event store: appending events to a room under its writer lock.</summary>
public interface IRoomEventWriter
{
    /// <summary>
    /// Holds the room's write lock (across every server process), gives <paramref name="decide"/> the room's
    /// head, and persists the events it returns, in order, in one transaction. Positions are published by the
    /// caller after this returns (after commit). <paramref name="decide"/> may throw to write nothing.
    /// </summary>
    Task<IReadOnlyList<PersistedEvent>> AppendAsync(string roomId,
        Func<RoomHead, IReadOnlyList<NewRoomEvent>> decide, CancellationToken cancellationToken);

    /// <summary>Creates a room whose first event is <paramref name="createEvent"/> and appends what follows it.</summary>
    Task<IReadOnlyList<PersistedEvent>> CreateRoomAsync(Pdu createEvent,
        Func<RoomHead, IReadOnlyList<NewRoomEvent>> decideRest, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a room joined through another server (send_join): the outliers of <paramref name="join"/> not stored
    /// yet (its auth chain and state), then, when the room has no head here (unknown, or known only out of band),
    /// makes one under the room's lock: the join event in the timeline on the state before it, the only forward
    /// extremity, and the state after it the current state. Null when the room had a head already (another join got
    /// there first, or one we left): the outliers are stored, and the join event is the caller's to input on it.
    /// </summary>
    Task<PersistedEvent?> CreateRoomFromJoinAsync(RemoteJoinSnapshot join, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a membership event of a room this server may have no head for (an invite from another server, the
    /// leave that rejected it, a knock): an outlier with a stream position and the user's membership row, so /sync
    /// shows it; a room not known yet is recorded out of band. Moves no head. Null when the event was stored already.
    /// </summary>
    Task<PersistedEvent?> StoreOutOfBandMembershipAsync(Pdu membership, CancellationToken cancellationToken);

    /// <summary>
    /// The room's head as it is now (null: no such room), for the input path to prepare on outside the lock; an
    /// append prepared on it checks (in its decision, under the lock) that the head is still this one.
    /// </summary>
    Task<RoomHead?> GetHeadAsync(string roomId, CancellationToken cancellationToken);

    /// <summary>The event a client transaction produced, if it was already sent.</summary>
    Task<string?> FindTransactionAsync(ClientTransaction transaction, CancellationToken cancellationToken);
}

/// <summary>The read side of the event store.</summary>
public interface IRoomEventReader
{
    Task<RoomVersion?> GetRoomVersionAsync(string roomId, CancellationToken cancellationToken);

    Task<StoredEvent?> GetEventAsync(string eventId, CancellationToken cancellationToken);

    Task<IReadOnlyList<StoredEvent>> GetEventsAsync(IReadOnlyCollection<string> eventIds,
        CancellationToken cancellationToken);

    /// <summary>The current state of the room.</summary>
    Task<IReadOnlyList<StoredEvent>> GetCurrentStateAsync(string roomId, CancellationToken cancellationToken);

    /// <summary>The state after <paramref name="eventId"/> (its state group).</summary>
    Task<IReadOnlyDictionary<TypeAndStateKey, string>> GetStateIdsAfterAsync(string eventId,
        CancellationToken cancellationToken);

    /// <summary>The user's current membership and its event, or null when the user never had one.</summary>
    Task<(string Membership, string EventId)?> GetMembershipAsync(string roomId, string userId,
        CancellationToken cancellationToken);

    Task<IReadOnlyList<string>> GetJoinedRoomsAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Room events in stream order from <paramref name="fromStream"/> (exclusive) in the given direction.</summary>
    Task<IReadOnlyList<StoredEvent>> GetRoomEventsAsync(string roomId, long fromStream, bool forwards, int limit,
        CancellationToken cancellationToken);

    /// <summary>The newest position in the global stream.</summary>
    Task<long> GetCurrentStreamAsync(CancellationToken cancellationToken);
}

/// <summary>Told about events after they are committed (sync wake-ups, federation and appservice senders...).</summary>
public interface IEventPersistedObserver
{
    void OnPersisted(IReadOnlyList<PersistedEvent> events);
}
