using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Rooms.Delayed;

/// <summary>A delayed event as stored; <see cref="FinalisedTs"/> is null while it is scheduled.</summary>
public sealed record DelayedEvent(string DelayId, UserId UserId, string DeviceId, string RoomId, string EventType,
    string? StateKey, string Content, long DelayMs, long RunningSince, long SendTs, long? FinalisedTs, string? Outcome,
    string? Reason, string? Error, string? EventId)
{
    public bool IsScheduled => FinalisedTs is null;
}

/// <summary>How a delayed event ended: sent (its event ID) or cancelled (by action, or by an error).</summary>
public sealed record DelayedEventOutcome(string Outcome, string Reason, string? EventId, string? Error);

/// <summary>The <c>delayed_events</c> table.</summary>
public interface IDelayedEventStore
{
    /// <summary>Stores a new scheduled event; a repeated (user, device, txn) returns the delay ID stored first.</summary>
    Task<string> ScheduleAsync(DelayedEvent delayed, string txnId, CancellationToken cancellationToken);

    Task<DelayedEvent?> GetAsync(string delayId, CancellationToken cancellationToken);

    /// <param name="scheduled">True: only scheduled ones; false: only finalised ones; null: both.</param>
    Task<IReadOnlyList<DelayedEvent>> ListAsync(UserId userId, bool? scheduled, CancellationToken cancellationToken);

    /// <summary>The earliest send time of any scheduled event, of any process.</summary>
    Task<long?> NextSendTsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Locks one delayed event (its row, until <paramref name="decide"/> returns) and finalises it with the outcome
    /// <paramref name="decide"/> returns, or leaves it as it is when that returns null. Only one caller, in any
    /// process, holds an event at a time, so it is sent once. Null when there is no such event.
    /// </summary>
    Task<T?> WithLockedAsync<T>(string delayId, Func<DelayedEvent, Task<(DelayedEventOutcome? Outcome, T Result)>> decide,
        long nowTs, CancellationToken cancellationToken) where T : class;

    /// <summary>Like <see cref="WithLockedAsync{T}"/> for the earliest due scheduled event that no one else holds;
    /// false when there is none.</summary>
    Task<bool> WithNextDueAsync(Func<DelayedEvent, Task<DelayedEventOutcome>> send, long nowTs,
        CancellationToken cancellationToken);

    /// <returns>False when the event is not scheduled (any more).</returns>
    Task<bool> RestartAsync(string delayId, long nowTs, CancellationToken cancellationToken);

    /// <summary>Cancels, with <paramref name="error"/>, the scheduled state events of other users at this state entry.</summary>
    Task CancelOverwrittenAsync(string roomId, string eventType, string stateKey, UserId setBy, string error,
        long nowTs, CancellationToken cancellationToken);

    /// <summary>Deletes events finalised before <paramref name="beforeTs"/>.</summary>
    Task PruneFinalisedAsync(long beforeTs, CancellationToken cancellationToken);
}
