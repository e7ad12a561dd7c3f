using Homeserver.Services.Rooms;

namespace Homeserver.Services.Push;

/// <summary>What one user's push rules decided for one event (a row of <c>event_push_actions</c> without its event).</summary>
/// <param name="ThreadId">"main" outside threads, else the thread root's event id.</param>
public sealed record PushAction(string UserId, string ThreadId, bool Notify, bool Highlight, string ActionsJson);

/// <summary>
/// The push actions decided for one event. <paramref name="Members"/>, when set, are the room's local joined members the
/// event was evaluated for (its sender among them): the event was evaluated on the room's current membership, so its
/// storage may keep the action most of them share once (<see cref="PushActionBulk"/>).
/// </summary>
public sealed record EventPushActions(IReadOnlyList<PushAction> Actions, IReadOnlyList<string>? Members = null)
{
    public static readonly EventPushActions None = new([]);
}

/// <summary>
/// Called by the room writer for events it is about to persist, so their push actions are written in the same
/// transaction (counts can never be lost between an event and its notifications).
/// </summary>
public interface IPushActionEvaluator
{
    /// <summary>
    /// The push actions of each event of <paramref name="events"/> (in order; each evaluated on the state before it,
    /// starting from <paramref name="head"/>).
    /// </summary>
    Task<IReadOnlyList<EventPushActions>> EvaluateAsync(RoomHead head, IReadOnlyList<NewRoomEvent> events,
        CancellationToken cancellationToken);
}

/// <summary>A room's (or one thread's) unread notification counts for a user.</summary>
/// <param name="Newest">The stream position of the newest unread notification counted.</param>
public sealed record UnreadCount(string RoomId, string ThreadId, long Notifications, long Highlights, long Newest);

/// <summary>One notification as /notifications lists it.</summary>
public sealed record StoredNotification(string RoomId, string EventId, long StreamOrdering, string ActionsJson,
    long Ts, bool Read);

/// <summary>The read side of <c>event_push_actions</c>, with the receipts that mark notifications read.</summary>
public interface IPushActionStore
{
    /// <summary>
    /// Unread counts per room and thread: notifications after the user's newest m.read / m.read.private receipt
    /// (the later of the unthreaded one and the thread's own). Only rooms and threads with unread ones are listed.
    /// </summary>
    Task<IReadOnlyList<UnreadCount>> GetUnreadCountsAsync(string userId, IReadOnlyCollection<string> roomIds,
        CancellationToken cancellationToken);

    /// <summary>The number of rooms where the user has unread notifications, among the rooms they are joined to.</summary>
    Task<int> CountRoomsWithUnreadAsync(string userId, CancellationToken cancellationToken);

    /// <summary>The user's notifications before stream position <paramref name="before"/>, newest first.</summary>
    Task<IReadOnlyList<StoredNotification>> GetNotificationsAsync(string userId, long before, int limit,
        bool onlyHighlight, CancellationToken cancellationToken);

    /// <summary>The stored <c>m.push_rules</c> account data of each user that has it.</summary>
    Task<IReadOnlyDictionary<string, string>> GetStoredPushRulesAsync(IReadOnlyCollection<string> userIds,
        CancellationToken cancellationToken);
}
