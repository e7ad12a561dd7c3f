using Homeserver.Core.Events;

namespace Homeserver.Services.Rooms;

/// <summary>A user's current membership of a room as the read side needs it.</summary>
public sealed record MembershipRow(string Membership, string EventId, long StreamOrdering, bool Forgotten);

/// <summary>A membership event of one user in a room, in stream order.</summary>
public sealed record MembershipChange(string Membership, string EventId, long StreamOrdering);

/// <summary>What the read side of rooms asks of the event store beyond <see cref="IRoomEventReader"/>.</summary>
public interface IRoomHistoryReader
{
    /// <summary>The user's current membership of the room, or null when they never had one.</summary>
    Task<MembershipRow?> GetMembershipAsync(string roomId, string userId, CancellationToken cancellationToken);

    /// <summary>Every membership event of the user in the room, oldest first.</summary>
    Task<IReadOnlyList<MembershipChange>> GetMembershipChangesAsync(string roomId, string userId,
        CancellationToken cancellationToken);

    /// <summary>The current state event of the given type and key, or null.</summary>
    Task<StoredEvent?> GetCurrentStateEventAsync(string roomId, string type, string stateKey,
        CancellationToken cancellationToken);

    /// <summary>
    /// For each event, the state after it restricted to <paramref name="keys"/> (all of it when null).
    /// Events without a state group are left out.
    /// </summary>
    Task<IReadOnlyDictionary<string, IReadOnlyDictionary<TypeAndStateKey, string>>> GetStateIdsAfterAsync(
        IReadOnlyCollection<string> eventIds, IReadOnlyCollection<TypeAndStateKey>? keys,
        CancellationToken cancellationToken);

    /// <summary>The newest event of the room with a state (no outlier) at or before <paramref name="stream"/>, or
    /// null.</summary>
    Task<string?> GetLastEventIdAtAsync(string roomId, long stream, CancellationToken cancellationToken);

    /// <summary>Events nearest to <paramref name="timestamp"/>: from it forwards (ascending) or backwards (descending).</summary>
    Task<IReadOnlyList<StoredEvent>> GetEventsByTimestampAsync(string roomId, long timestamp, bool forwards, int limit,
        CancellationToken cancellationToken);
}

/// <summary>Per-user flags on room memberships.</summary>
public interface IRoomMembershipFlags
{
    /// <summary>Marks the user's membership of the room forgotten (until their next membership change).</summary>
    Task ForgetAsync(string roomId, string userId, CancellationToken cancellationToken);
}

/// <summary>Older history of a room pulled from other servers in it (federation /backfill), for /messages.</summary>
public interface IRoomBackfill
{
    /// <summary>Pulls events older than the room's earliest here; true when some were added to its timeline.</summary>
    Task<bool> BackfillAsync(string roomId, CancellationToken cancellationToken);
}
