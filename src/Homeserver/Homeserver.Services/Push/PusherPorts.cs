namespace Homeserver.Services.Push;

/// <summary>A stored pusher: where one of the user's devices wants notifications, and how far delivery got.</summary>
/// <param name="DataJson">The client's <c>data</c> object as JSON, <c>url</c> included.</param>
/// <param name="LastStreamOrdering">The newest <c>event_push_actions</c> row handled (delivered or dropped).</param>
/// <param name="RetryAt">Milliseconds; no attempt before this while delivery fails.</param>
public sealed record Pusher(long Id, string UserId, string DeviceId, string Kind, string AppId, string PushKey,
    string AppDisplayName, string DeviceDisplayName, string? ProfileTag, string Lang, string DataJson, long PushKeyTs,
    long LastStreamOrdering, long? FailingSince, long? RetryAt, long BackoffMs);

/// <summary>What POST /pushers/set creates or updates (the identity is user, app ID and pushkey).</summary>
public sealed record PusherSettings(string UserId, string DeviceId, string Kind, string AppId, string PushKey,
    string AppDisplayName, string DeviceDisplayName, string? ProfileTag, string Lang, string DataJson, long PushKeyTs);

/// <summary>The pushers endpoints' view of the <c>pushers</c> table.</summary>
public interface IPusherStore
{
    Task<IReadOnlyList<Pusher>> GetForUserAsync(string userId, CancellationToken cancellationToken);

    /// <summary>
    /// Creates the pusher, or updates the one with the same user, app ID and pushkey. A new pusher starts after the
    /// newest event, so it delivers only what comes after it. Unless <paramref name="append"/>, other users' pushers
    /// with the same app ID and pushkey are removed.
    /// </summary>
    Task SetAsync(PusherSettings pusher, bool append, CancellationToken cancellationToken);

    Task DeleteAsync(string userId, string appId, string pushKey, CancellationToken cancellationToken);
}

/// <summary>The delivery side: which pushers have work, their exclusive hold, and their progress.</summary>
public interface IPusherDeliveryStore
{
    /// <summary>
    /// HTTP pushers with undelivered notifications and no back-off pending at <paramref name="nowMs"/>: of
    /// <paramref name="userIds"/> and those whose back-off ran out, or of everyone when <paramref name="userIds"/>
    /// is null.
    /// </summary>
    Task<IReadOnlyList<long>> GetRunnableAsync(IReadOnlyCollection<string>? userIds, long nowMs,
        CancellationToken cancellationToken);

    /// <summary>The earliest back-off end after <paramref name="nowMs"/>, if any pusher is backing off.</summary>
    Task<long?> GetNextRetryAsync(long nowMs, CancellationToken cancellationToken);

    /// <summary>
    /// Holds the pusher for this caller across every process until disposed, or returns null when another holds it.
    /// </summary>
    Task<IAsyncDisposable?> TryHoldAsync(long pusherId, CancellationToken cancellationToken);

    Task<Pusher?> GetAsync(long pusherId, CancellationToken cancellationToken);

    /// <summary>The user's notifying rows after <paramref name="afterStream"/>, in stream order.</summary>
    Task<IReadOnlyList<PushNotification>> GetPendingAsync(string userId, long afterStream, int limit,
        CancellationToken cancellationToken);

    /// <summary>Records a row as handled (delivered or dropped) and clears any failure.</summary>
    Task MarkHandledAsync(long pusherId, long streamOrdering, CancellationToken cancellationToken);

    Task MarkFailedAsync(long pusherId, long failingSince, long retryAt, long backoffMs, CancellationToken cancellationToken);

    Task DeleteAsync(long pusherId, CancellationToken cancellationToken);
}
