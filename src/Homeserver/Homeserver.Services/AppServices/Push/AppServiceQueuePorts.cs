namespace Homeserver.Services.AppServices.Push;

/// <summary>What a queued item is: which part of the transaction body it goes into.</summary>
public static class AppServiceItemKinds
{
    /// <summary>A room event in client format (<c>events</c>).</summary>
    public const string Event = "event";

    /// <summary>A typing, receipt or presence event (<c>ephemeral</c>, MSC2409).</summary>
    public const string Ephemeral = "ephemeral";

    /// <summary>MSC3202: a user whose devices changed (content is the user ID).</summary>
    public const string DeviceListChanged = "device_list_changed";

    /// <summary>MSC3202: a user the appservice's users no longer share a room with (content is the user ID).</summary>
    public const string DeviceListLeft = "device_list_left";
}

/// <summary>A room event to queue for an appservice, at its stream position, already in client format.</summary>
public sealed record QueuedAppServiceEvent(string AppServiceId, long Position, string Json);

/// <summary>A queued item read back: its queue ID, kind and content.</summary>
public sealed record AppServiceItem(long Id, string Kind, string Content);

/// <summary>The transaction in flight to an appservice: sent again as is until answered.</summary>
public sealed record AppServiceTransaction(long TxnId, byte[] Body, IReadOnlyList<long> Items);

/// <summary>An appservice's sending state: the transaction in flight and the back-off after failures.</summary>
public sealed record AppServiceSendState(AppServiceTransaction? Pending, TimeSpan Backoff, DateTimeOffset RetryAt);

/// <summary>
/// The durable queue of what goes to each appservice (Storage <c>AppServiceQueueStore</c>, migration 0031).
/// </summary>
public interface IAppServiceQueueStore
{
    /// <summary>Queues room events; those at or below an appservice's newest queued position are skipped, so a batch
    /// of the stream handed again queues nothing twice, even after it was sent.</summary>
    Task EnqueueEventsAsync(IReadOnlyList<QueuedAppServiceEvent> events, CancellationToken cancellationToken);

    /// <summary>Queues one item of <paramref name="kind"/> for each of the appservices.</summary>
    Task EnqueueAsync(IReadOnlyCollection<string> appServiceIds, string kind, string content,
        CancellationToken cancellationToken);

    /// <summary>Appservices with queued items or a transaction in flight.</summary>
    Task<IReadOnlyList<string>> GetWithWorkAsync(CancellationToken cancellationToken);

    /// <summary>Sending to the appservice for this caller across every process until disposed; null when another
    /// process holds it.</summary>
    Task<IAsyncDisposable?> TryHoldAsync(string appServiceId, CancellationToken cancellationToken);

    Task<AppServiceSendState> GetStateAsync(string appServiceId, CancellationToken cancellationToken);

    /// <summary>The oldest queued items, at most <paramref name="limit"/> (read when no transaction is in flight).</summary>
    Task<IReadOnlyList<AppServiceItem>> ReadQueueAsync(string appServiceId, int limit,
        CancellationToken cancellationToken);

    /// <summary>Records the transaction as in flight under the appservice's next transaction ID.</summary>
    Task<AppServiceTransaction> SavePendingAsync(string appServiceId, byte[] body, IReadOnlyList<long> items,
        CancellationToken cancellationToken);

    /// <summary>The transaction was taken: its items leave the queue and the back-off ends.</summary>
    Task CompleteAsync(string appServiceId, AppServiceTransaction transaction, CancellationToken cancellationToken);

    /// <summary>The transaction failed: it stays in flight, and nothing is tried before <paramref name="retryAt"/>.</summary>
    Task RecordFailureAsync(string appServiceId, TimeSpan backoff, DateTimeOffset retryAt,
        CancellationToken cancellationToken);
}

/// <summary>What decides a room's interest for appservices: its joined members and its aliases (local ones and the
/// canonical alias with its alternatives).</summary>
public sealed record AppServiceRoomFacts(IReadOnlyCollection<string> JoinedMembers, IReadOnlyCollection<string> Aliases);

/// <summary>Reads <see cref="AppServiceRoomFacts"/> (Storage <c>AppServiceInterestReader</c>).</summary>
public interface IAppServiceRoomFactsReader
{
    /// <summary>The facts of each room, in one read; a room unknown here has none.</summary>
    Task<IReadOnlyDictionary<string, AppServiceRoomFacts>> GetAsync(IReadOnlyCollection<string> roomIds,
        CancellationToken cancellationToken);
}

/// <summary>MSC3202: one device's one-time key counts per algorithm and its unused fallback key algorithms.</summary>
public sealed record AppServiceDeviceKeys(string UserId, string DeviceId, IReadOnlyDictionary<string, int> OneTimeKeyCounts,
    IReadOnlyList<string> UnusedFallbackAlgorithms);

/// <summary>Reads <see cref="AppServiceDeviceKeys"/> for every device of many users at once (Storage).</summary>
public interface IAppServiceDeviceKeysReader
{
    Task<IReadOnlyList<AppServiceDeviceKeys>> GetAsync(IReadOnlyCollection<string> userIds,
        CancellationToken cancellationToken);
}
