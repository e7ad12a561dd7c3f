using Homeserver.Core.Events;

namespace Homeserver.Services.Rooms.Input;

/// <summary>An event as the input path reads it: whether it was rejected or is an outlier, and its state group.</summary>
/// <param name="StateGroupAfter">The state after the event (null for outliers, which have none).</param>
public sealed record InputStoredEvent(Pdu Pdu, bool Rejected, bool Outlier, long? StateGroupAfter);

/// <summary>What the input path reads before it appends (outside the room's lock; the append checks the head).</summary>
public interface IRoomInputStore
{
    /// <summary>The stored events among <paramref name="eventIds"/>, by ID; unknown ones are left out.</summary>
    Task<IReadOnlyDictionary<string, InputStoredEvent>> GetEventsAsync(IReadOnlyCollection<string> eventIds,
        CancellationToken cancellationToken);

    /// <summary>The state a stored state group holds.</summary>
    Task<IReadOnlyDictionary<TypeAndStateKey, string>> GetStateAsync(long stateGroup,
        CancellationToken cancellationToken);

    /// <summary>Whether a stored event names <paramref name="eventId"/> among its prev events.</summary>
    Task<bool> IsReferencedAsync(string eventId, CancellationToken cancellationToken);
}
