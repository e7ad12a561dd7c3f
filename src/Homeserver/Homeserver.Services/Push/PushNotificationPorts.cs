namespace Homeserver.Services.Push;

/// <summary>
/// One row of <c>event_push_actions</c> (migration 0015): what a user's push rules decided for a room event.
/// </summary>
/// <param name="ThreadId">"main" outside threads, else the thread root's event id.</param>
/// <param name="ActionsJson">The matching rule's actions as a JSON array.</param>
public sealed record PushNotification(string UserId, string RoomId, string EventId, long StreamOrdering,
    string ThreadId, bool Notify, bool Highlight, string ActionsJson, long Timestamp);

/// <summary>
/// Told after push actions are committed, so pushers deliver them without polling. Fire-and-forget: a pusher
/// that misses a call still finds the rows by stream ordering when it next runs (after a restart too).
/// </summary>
public interface IPushNotificationObserver
{
    void OnNotifications(IReadOnlyList<PushNotification> notifications);
}

/// <summary>A user's unread notification counts as push gateways and /sync need them.</summary>
public interface IUnreadCountReader
{
    /// <summary>
    /// The number of rooms (or unread notifications, as the server counts them) the user has unread: what the push
    /// gateway's <c>counts.unread</c> carries (the badge number).
    /// </summary>
    Task<int> GetUnreadBadgeCountAsync(string userId, CancellationToken cancellationToken);
}
