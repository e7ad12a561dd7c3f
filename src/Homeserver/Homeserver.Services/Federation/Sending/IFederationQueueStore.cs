using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Federation.Sending;

/// <summary>A PDU to queue for a destination: the event's stream position orders the queue.</summary>
public sealed record OutboundPdu(ServerName Destination, long Position, string RoomId, string EventId);

/// <summary>A queued PDU read back for sending: its position and the JSON to send (redacted if it was).</summary>
public sealed record QueuedPdu(long Position, string EventId, string Json);

/// <summary>A queued EDU: its queue ID, type and content (JSON).</summary>
public sealed record QueuedEdu(long Id, string EduType, string Content);

/// <summary>The transaction in flight to a destination: retried as is (same ID, same body) until answered.</summary>
/// <param name="Pdus">The queue positions of its PDUs; <paramref name="Edus"/> the queue IDs of its EDUs.</param>
public sealed record PendingTransaction(string TxnId, byte[] Body, IReadOnlyList<long> Pdus, IReadOnlyList<long> Edus);

/// <summary>
/// The federation sender's durable queue (Storage <c>FederationQueueStore</c>): PDUs and EDUs per destination, the
/// transaction in flight, and a lease saying which process sends to a destination.
/// </summary>
public interface IFederationQueueStore
{
    /// <summary>Queues the PDUs; one already queued (same destination and position) is left as is.</summary>
    Task EnqueuePdusAsync(IReadOnlyList<OutboundPdu> pdus, CancellationToken cancellationToken);

    Task EnqueueEduAsync(IReadOnlyCollection<ServerName> destinations, string eduType, string content,
        CancellationToken cancellationToken);

    /// <summary>Destinations with queued PDUs or EDUs or a transaction in flight.</summary>
    Task<IReadOnlyList<ServerName>> GetDestinationsWithWorkAsync(CancellationToken cancellationToken);

    /// <summary>Takes or extends the destination's lease for <paramref name="owner"/> until <paramref name="until"/>;
    /// false when another owner holds an unexpired one.</summary>
    Task<bool> TryLeaseAsync(ServerName destination, string owner, DateTimeOffset now, DateTimeOffset until,
        CancellationToken cancellationToken);

    Task ReleaseLeaseAsync(ServerName destination, string owner, CancellationToken cancellationToken);

    Task<PendingTransaction?> GetPendingTransactionAsync(ServerName destination, CancellationToken cancellationToken);

    /// <summary>The oldest queued PDUs and EDUs, at most the given numbers of each.</summary>
    Task<(IReadOnlyList<QueuedPdu> Pdus, IReadOnlyList<QueuedEdu> Edus)> ReadQueueAsync(ServerName destination,
        int maxPdus, int maxEdus, CancellationToken cancellationToken);

    /// <summary>Records the transaction as in flight and returns it with its ID, unique per destination (the time
    /// and the destination's transaction count).</summary>
    Task<PendingTransaction> SavePendingTransactionAsync(ServerName destination, byte[] body, IReadOnlyList<long> pdus,
        IReadOnlyList<long> edus, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The transaction is done with (delivered, or refused for good): its PDUs and EDUs leave the queue and
    /// the newest PDU position is the destination's last successful one.</summary>
    Task CompleteTransactionAsync(ServerName destination, PendingTransaction transaction,
        CancellationToken cancellationToken);

    /// <summary>The number of queued PDUs, counted up to <paramref name="atMost"/>.</summary>
    Task<int> CountPdusAsync(ServerName destination, int atMost, CancellationToken cancellationToken);

    /// <summary>
    /// Catch-up: the PDU queue is replaced by, per room, the forward extremities <paramref name="origin"/> authored that
    /// are newer than the last successful position (else the room's newest queued PDU), and the transaction in flight
    /// is dropped (its EDUs stay queued). The destination fetches what it lacks with <c>/get_missing_events</c>.
    /// </summary>
    Task CatchUpAsync(ServerName destination, ServerName origin, CancellationToken cancellationToken);

    /// <summary>Bounds the destination's EDUs: drops those of <paramref name="droppableTypes"/> when asked, then all
    /// but the newest <paramref name="keep"/>.</summary>
    Task TrimEdusAsync(ServerName destination, IReadOnlyCollection<string> droppableTypes, int keep,
        CancellationToken cancellationToken);
}
