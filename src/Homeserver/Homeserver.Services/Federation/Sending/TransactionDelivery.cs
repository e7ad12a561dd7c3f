using Homeserver.Core.Identifiers;
using Homeserver.Services.Federation.Client;
using Microsoft.Extensions.Logging;

namespace Homeserver.Services.Federation.Sending;

/// <summary>How a delivery pass for one destination ended.</summary>
public enum DeliveryState
{
    /// <summary>Nothing left to send.</summary>
    Idle,

    /// <summary>The destination failed or is backing off: try again at the outcome's time.</summary>
    RetryLater,

    /// <summary>Another process holds the destination's lease.</summary>
    HeldElsewhere,
}

public sealed record DeliveryOutcome(DeliveryState State, DateTimeOffset RetryAt = default);

/// <summary>
/// One destination's delivery pass, under its lease: the transaction in flight is sent again as it was (same ID, same
/// body) until the destination answers; then the next one is built from the oldest queued PDUs and EDUs (at most 50
/// and 100). A failure (no connection, timeout, 5xx, 401, 429) leaves it in flight and ends the pass until the
/// destination's back-off (<see cref="DestinationBackoff"/>) ends; any other 4xx refuses the transaction for good and
/// it is dropped with a warning so the queue moves on (Synapse neither backs off nor retries such an answer). A
/// destination failing for long, or with too many PDUs queued, is caught up: only each room's latest events of ours.
/// </summary>
public sealed partial class TransactionDelivery(IFederationQueueStore queue, FederationClient client,
    FederationSenderOptions options, ServerName origin, TimeProvider time, ILogger<TransactionDelivery> logger)
{
    /// <summary>Sends until the queue is empty or the destination fails.</summary>
    /// <param name="maintain">True when a destination found backing off may have its queue bounded now.</param>
    public async Task<DeliveryOutcome> DeliverAsync(ServerName destination, string owner, bool maintain,
        CancellationToken cancellationToken)
    {
        while (true)
        {
            var failing = client.Backoff.StateOf(destination);
            var backingOff = client.Backoff.IsBackingOff(destination, out var retryAt);
            if (backingOff && !maintain)
            {
                return new DeliveryOutcome(DeliveryState.RetryLater, retryAt);
            }

            var now = time.GetUtcNow();
            if (!await queue.TryLeaseAsync(destination, owner, now, now + options.LeaseDuration, cancellationToken))
            {
                return new DeliveryOutcome(DeliveryState.HeldElsewhere);
            }

            await CatchUpIfBehindAsync(destination, failing, now, cancellationToken);
            if (backingOff)
            {
                return new DeliveryOutcome(DeliveryState.RetryLater, retryAt);
            }

            var transaction = await queue.GetPendingTransactionAsync(destination, cancellationToken) ??
                              await BuildAsync(destination, cancellationToken);
            if (transaction is null)
            {
                await queue.ReleaseLeaseAsync(destination, owner, cancellationToken);
                return new DeliveryOutcome(DeliveryState.Idle);
            }

            if (!await SendAsync(destination, transaction, cancellationToken))
            {
                if (!client.Backoff.IsBackingOff(destination, out retryAt))
                {
                    client.Backoff.RecordFailure(destination); // a failure the client did not count (no free slot)
                    client.Backoff.IsBackingOff(destination, out retryAt);
                }

                return new DeliveryOutcome(DeliveryState.RetryLater, retryAt);
            }

            await queue.CompleteTransactionAsync(destination, transaction, cancellationToken);
        }
    }

    private async Task CatchUpIfBehindAsync(ServerName destination, DestinationBackoffState? failing,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var downLong = failing is not null && now - failing.FailingSince >= options.CatchUpAfter;
        if (!downLong && await queue.CountPdusAsync(destination, options.CatchUpBacklog + 1, cancellationToken) <=
            options.CatchUpBacklog)
        {
            return;
        }

        LogCatchingUp(logger, destination.Value, downLong);
        await queue.CatchUpAsync(destination, origin, cancellationToken);
        await queue.TrimEdusAsync(destination, downLong ? FederationSenderOptions.DroppableEduTypes : [],
            options.MaxQueuedEdus, cancellationToken);
    }

    private async Task<PendingTransaction?> BuildAsync(ServerName destination, CancellationToken cancellationToken)
    {
        var (pdus, edus) = await queue.ReadQueueAsync(destination, options.MaxPdusPerTransaction,
            options.MaxEdusPerTransaction, cancellationToken);
        if (pdus.Count == 0 && edus.Count == 0)
        {
            return null;
        }

        // A queued event no longer stored (purged) leaves the queue with the transaction, unsent.
        var now = time.GetUtcNow();
        var body = TransactionBody.Build(origin, now, pdus.Where(p => p.Json.Length > 0), edus);
        return await queue.SavePendingTransactionAsync(destination, body, pdus.Select(p => p.Position).ToList(),
            edus.Select(e => e.Id).ToList(), now, cancellationToken);
    }

    /// <summary>True when the transaction is done with (accepted, or refused for good).</summary>
    private async Task<bool> SendAsync(ServerName destination, PendingTransaction transaction,
        CancellationToken cancellationToken)
    {
        var uri = "/_matrix/federation/v1/send/" + Uri.EscapeDataString(transaction.TxnId);
        try
        {
            var response = await client.SendAsync(HttpMethod.Put, destination, uri, transaction.Body, cancellationToken);
            LogSent(logger, destination.Value, transaction.TxnId, transaction.Pdus.Count, transaction.Edus.Count);
            TransactionResults.LogRefusedPdus(logger, destination, transaction.TxnId, response.Body);
            return true;
        }
        catch (FederationException e) when (e.Failure == FederationFailure.ErrorResponse &&
                                            e.StatusCode is >= 400 and < 500 and not 401 and not 429)
        {
            LogRefused(logger, destination.Value, transaction.TxnId, e.StatusCode.Value, e.Message);
            return true;
        }
        catch (FederationException e)
        {
            LogFailed(logger, destination.Value, transaction.TxnId, e.Message);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Transaction {TxnId} to {Destination} delivered ({Pdus} PDUs, {Edus} EDUs)")]
    private static partial void LogSent(ILogger logger, string destination, string txnId, int pdus, int edus);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Transaction {TxnId} to {Destination} refused with {Status}, dropped: {Reason}")]
    private static partial void LogRefused(ILogger logger, string destination, string txnId, int status, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Transaction {TxnId} to {Destination} failed, kept for a retry: {Reason}")]
    private static partial void LogFailed(ILogger logger, string destination, string txnId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Catching up {Destination} (down for long: {DownLong}): sending each room's latest events only")]
    private static partial void LogCatchingUp(ILogger logger, string destination, bool downLong);
}
