namespace Homeserver.Services.Sync.Sliding;

/// <summary>One stored <c>pos</c> of a connection: the stream positions it stands for and the connection's state.</summary>
public sealed record SlidingPosition(string StreamToken, string State);

/// <summary>Where sliding sync connections keep their positions (one entry per <c>pos</c> handed out). A <c>pos</c> is
/// opaque to clients; each store recognises its own and finds nothing for another's.</summary>
public interface ISlidingSyncConnectionStore
{
    /// <summary>The stored position, or null when the connection never had it or it was dropped.</summary>
    Task<SlidingPosition?> GetAsync(string userId, string deviceId, string connId, string pos,
        CancellationToken cancellationToken);

    /// <summary>
    /// Stores a new position and drops the connection's positions before <paramref name="basedOn"/> (the client
    /// answered with it, so it has everything before), or all of them when <paramref name="basedOn"/> is null (a
    /// new connection replaces an old one of the same <c>conn_id</c>).
    /// </summary>
    /// <returns>The new <c>pos</c>.</returns>
    Task<string> SaveAsync(string userId, string deviceId, string connId, string? basedOn, string streamToken,
        string state, CancellationToken cancellationToken);
}

/// <summary>The queries sliding sync needs beyond those of /sync v2.</summary>
public interface ISlidingSyncReader
{
    /// <summary>Every room the user has a membership of, with the bump stamp (up to <paramref name="upTo"/>) and newest
    /// event, and when asked its encryption and room type: one query, whatever the number of rooms. With
    /// <paramref name="changedSince"/>, only the rooms that had an event, or a change of the user's membership, after
    /// that position (a cost bounded by what happened since, not by the number of rooms).</summary>
    Task<IReadOnlyList<SlidingRoomRow>> GetRoomsAsync(string userId, long upTo, bool withEncryption,
        bool withRoomType, long? changedSince, CancellationToken cancellationToken);

    /// <summary>The rooms the given spaces name as children now (<c>m.space.child</c> with a non-empty <c>via</c>).</summary>
    Task<IReadOnlySet<string>> GetSpaceChildrenAsync(IReadOnlyCollection<string> spaceIds,
        CancellationToken cancellationToken);
}
