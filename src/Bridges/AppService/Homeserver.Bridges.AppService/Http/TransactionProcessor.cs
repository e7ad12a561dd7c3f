using System.Text.Json;
using Homeserver.Bridges.AppService.Events;
using Homeserver.Bridges.AppService.Store;
using Microsoft.Extensions.Logging;

namespace Homeserver.Bridges.AppService.Http;

/// <summary>One entry of a transaction: an element of <c>events</c> or of <c>ephemeral</c>.</summary>
public readonly record struct TransactionEntry(JsonElement Element, bool Ephemeral);

/// <summary>
/// Hands the entries of a transaction to the handlers, once: progress is stored after each entry, so a retry of the
/// same transaction (the homeserver resends one whose answer it did not get, also across our restarts) skips what
/// was handled and answers at once when all was. Transactions are handled one at a time, in arrival order.
/// Completed transactions are forgotten after <see cref="Retention"/> (checked at most hourly): a homeserver retries a
/// transaction whose answer it lost within minutes, not weeks.
/// </summary>
public sealed partial class TransactionProcessor(
    ITransactionLog log,
    IMembershipStore memberships,
    AppServiceIdentity identity,
    IEnumerable<IMatrixEventReceiver> handlers,
    TimeProvider time,
    ILogger<TransactionProcessor> logger) : IDisposable
{
    public static readonly TimeSpan Retention = TimeSpan.FromDays(7);
    private static readonly TimeSpan PruneEvery = TimeSpan.FromHours(1);
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private DateTimeOffset _lastPrune = DateTimeOffset.MinValue;
    private readonly IReadOnlyList<IMatrixEventReceiver> _handlers = handlers.ToList();

    public async Task ProcessAsync(string txnId, IReadOnlyList<TransactionEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            var progress = await log.StartAsync(txnId, cancellationToken);
            if (progress.Completed)
            {
                LogDuplicate(logger, txnId);
                return;
            }

            for (var i = progress.EventsHandled; i < entries.Count; i++)
            {
                var parsed = EventParser.Parse(entries[i].Element, entries[i].Ephemeral);
                if (parsed is null)
                {
                    LogNotAnEvent(logger, txnId, i);
                }
                else
                {
                    await DispatchAsync(parsed, cancellationToken);
                }

                await log.RecordProgressAsync(txnId, i + 1, CancellationToken.None);
            }

            await log.CompleteAsync(txnId, CancellationToken.None);
            await PruneWhenDueAsync(cancellationToken);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    public void Dispose() => _oneAtATime.Dispose();

    private async Task PruneWhenDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now - _lastPrune < PruneEvery)
        {
            return;
        }

        _lastPrune = now;
        await log.PruneAsync(now - Retention, cancellationToken);
    }

    private async Task DispatchAsync(MatrixEvent matrixEvent, CancellationToken cancellationToken)
    {
        // Our users' memberships are kept first, so handlers (and intents) see a kick or a leave at once.
        if (matrixEvent is RoomMemberEvent { RoomId: { } roomId, StateKey: { } userId, Membership: { } membership } &&
            identity.IsOwnUser(userId))
        {
            await memberships.SetMembershipAsync(roomId, userId, membership, cancellationToken);
        }

        foreach (var handler in _handlers)
        {
            try
            {
                await handler.HandleAsync(matrixEvent, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e)
            {
                LogHandlerFailed(logger, e, handler.GetType().Name, matrixEvent.Type, matrixEvent.EventId);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Transaction {TxnId} was already handled")]
    private static partial void LogDuplicate(ILogger logger, string txnId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Transaction {TxnId}: entry {Index} is not an event; skipped")]
    private static partial void LogNotAnEvent(ILogger logger, string txnId, int index);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handler {Handler} failed on {Type} event {EventId}")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string handler, string type, string? eventId);
}
