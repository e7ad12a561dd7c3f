using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Federation.History;

/// <summary>How an event is stored, as the serving side of federation history needs to know it.</summary>
/// <param name="StateGroupBefore">The state before the event (null for outliers and events stored before the input
/// path kept it).</param>
/// <param name="StateGroupAfter">The state after the event (null for outliers).</param>
public sealed record StoredEventStatus(RoomId RoomId, bool Rejected, bool Outlier, bool SoftFailed, long Depth,
    long? StateGroupBefore, long? StateGroupAfter);

/// <summary>An event met while walking the DAG backwards from some events.</summary>
public sealed record DagNeighbour(string EventId, long Depth, long? StreamOrdering, bool Outlier, bool Rejected);

/// <summary>The reads behind <c>/event</c>, <c>/state</c>, <c>/backfill</c> and the other history endpoints.</summary>
public interface IFederationHistoryStore
{
    /// <summary>Whether the room exists here (has a row, whatever its state).</summary>
    Task<bool> RoomExistsAsync(RoomId roomId, CancellationToken cancellationToken);

    /// <summary>Whether a user of <paramref name="server"/> is joined to the room in its current state.</summary>
    Task<bool> IsServerJoinedAsync(RoomId roomId, ServerName server, CancellationToken cancellationToken);

    /// <summary>The event's stored status, or null when it is not stored.</summary>
    Task<StoredEventStatus?> GetStatusAsync(EventId eventId, CancellationToken cancellationToken);

    /// <summary>The state a state group holds.</summary>
    Task<IReadOnlyDictionary<TypeAndStateKey, string>> GetStateAsync(long stateGroup,
        CancellationToken cancellationToken);

    /// <summary>
    /// The IDs of the auth chain of <paramref name="eventIds"/>: their auth events, theirs, and so on, the given events
    /// themselves only when <paramref name="includeGiven"/>; stored events only.
    /// </summary>
    Task<IReadOnlyList<string>> GetAuthChainIdsAsync(IReadOnlyCollection<string> eventIds, bool includeGiven,
        CancellationToken cancellationToken);

    /// <summary>For each of <paramref name="eventIds"/>, its prev events that are stored events of the room.</summary>
    Task<IReadOnlyDictionary<string, IReadOnlyList<DagNeighbour>>> GetPrevEventsAsync(RoomId roomId,
        IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken);

    /// <summary>The given events that are stored events of the room, with their depth and position.</summary>
    Task<IReadOnlyList<DagNeighbour>> GetRoomEventsAsync(RoomId roomId, IReadOnlyCollection<string> eventIds,
        CancellationToken cancellationToken);
}
