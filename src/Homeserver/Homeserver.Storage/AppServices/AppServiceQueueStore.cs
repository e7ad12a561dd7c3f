using Dapper;
using Homeserver.Services.AppServices.Push;
using Homeserver.Storage.Postgres;
using Npgsql;

namespace Homeserver.Storage.AppServices;

/// <summary>
/// The appservice push queue (migration 0031): <c>appservice_states</c> (appservice_id, last_event_stream, txn_count,
/// txn_id, txn_body, txn_items, backoff_ms, retry_at_ts) and <c>appservice_outbound</c> (appservice_id, id, kind,
/// stream_ordering, content). One process sends to an appservice at a time (an <see cref="AdvisoryHold"/>).
/// </summary>
public sealed class AppServiceQueueStore(NpgsqlDataSource dataSource) : IAppServiceQueueStore
{
    private const string EnsureSql = """
        INSERT INTO appservice_states (appservice_id) SELECT unnest(@ids) ON CONFLICT DO NOTHING
        """;

    // Rows at or below the appservice's mark were queued before (and maybe sent): skipped. The mark then moves up.
    private const string EnqueueEventsSql = """
        WITH incoming AS (
            SELECT i.id, i.position, i.json FROM unnest(@ids, @positions, @jsons) AS i(id, position, json)
            JOIN appservice_states s ON s.appservice_id = i.id AND i.position > s.last_event_stream),
        queued AS (
            INSERT INTO appservice_outbound (appservice_id, kind, stream_ordering, content)
            SELECT id, 'event', position, json FROM incoming ORDER BY position
            ON CONFLICT DO NOTHING)
        UPDATE appservice_states s SET last_event_stream = m.newest
        FROM (SELECT id, max(position) AS newest FROM incoming GROUP BY id) m
        WHERE s.appservice_id = m.id
        """;

    private const string EnqueueSql = """
        INSERT INTO appservice_outbound (appservice_id, kind, content) SELECT unnest(@ids), @kind, @content
        """;

    private const string WithWorkSql = """
        SELECT appservice_id FROM appservice_states s
        WHERE s.txn_id IS NOT NULL
           OR EXISTS (SELECT 1 FROM appservice_outbound o WHERE o.appservice_id = s.appservice_id)
        """;

    private const string StateSql = """
        SELECT txn_id AS TxnId, txn_body AS Body, txn_items AS Items, backoff_ms AS BackoffMs, retry_at_ts AS RetryAtTs
        FROM appservice_states WHERE appservice_id = @id
        """;

    private const string ReadSql = """
        SELECT id AS Id, kind AS Kind, content AS Content FROM appservice_outbound
        WHERE appservice_id = @id ORDER BY id LIMIT @limit
        """;

    private const string SavePendingSql = """
        UPDATE appservice_states SET txn_count = txn_count + 1, txn_id = txn_count + 1, txn_body = @body,
            txn_items = @items
        WHERE appservice_id = @id AND txn_id IS NULL
        RETURNING txn_id
        """;

    private const string CompleteSql = """
        DELETE FROM appservice_outbound WHERE appservice_id = @id AND id = ANY(@items);
        UPDATE appservice_states SET txn_id = NULL, txn_body = NULL, txn_items = NULL, backoff_ms = 0, retry_at_ts = 0
        WHERE appservice_id = @id AND txn_id = @txnId;
        """;

    private const string FailureSql = """
        UPDATE appservice_states SET backoff_ms = @backoffMs, retry_at_ts = @retryAt WHERE appservice_id = @id
        """;

    public async Task EnqueueEventsAsync(IReadOnlyList<QueuedAppServiceEvent> events,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await EnsureAsync(connection, transaction, events.Select(e => e.AppServiceId), cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(EnqueueEventsSql, new
        {
            ids = events.Select(e => e.AppServiceId).ToArray(),
            positions = events.Select(e => e.Position).ToArray(),
            jsons = events.Select(e => e.Json).ToArray(),
        }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task EnqueueAsync(IReadOnlyCollection<string> appServiceIds, string kind, string content,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(appServiceIds);
        if (appServiceIds.Count == 0)
        {
            return;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await EnsureAsync(connection, transaction, appServiceIds, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(EnqueueSql,
            new { ids = appServiceIds.Distinct(StringComparer.Ordinal).ToArray(), kind, content }, transaction,
            cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<string>> GetWithWorkAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<string>(new CommandDefinition(WithWorkSql,
            cancellationToken: cancellationToken))).ToList();
    }

    public async Task<IAsyncDisposable?> TryHoldAsync(string appServiceId, CancellationToken cancellationToken) =>
        await AdvisoryHold.TryAcquireAsync(dataSource, "appservice-sender:" + appServiceId, wait: false,
            cancellationToken);

    public async Task<AppServiceSendState> GetStateAsync(string appServiceId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<StateRow>(new CommandDefinition(StateSql,
            new { id = appServiceId }, cancellationToken: cancellationToken));
        if (row is null)
        {
            return new AppServiceSendState(null, TimeSpan.Zero, DateTimeOffset.MinValue);
        }

        var pending = row.TxnId is { } txnId ? new AppServiceTransaction(txnId, row.Body!, row.Items ?? []) : null;
        return new AppServiceSendState(pending, TimeSpan.FromMilliseconds(row.BackoffMs),
            DateTimeOffset.FromUnixTimeMilliseconds(row.RetryAtTs));
    }

    public async Task<IReadOnlyList<AppServiceItem>> ReadQueueAsync(string appServiceId, int limit,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<AppServiceItem>(new CommandDefinition(ReadSql,
            new { id = appServiceId, limit }, cancellationToken: cancellationToken))).ToList();
    }

    public async Task<AppServiceTransaction> SavePendingAsync(string appServiceId, byte[] body,
        IReadOnlyList<long> items, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var txnId = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(SavePendingSql,
            new { id = appServiceId, body, items = items.ToArray() }, cancellationToken: cancellationToken));
        return txnId is { } id
            ? new AppServiceTransaction(id, body, items)
            : throw new InvalidOperationException($"Appservice {appServiceId} already has a transaction in flight");
    }

    public async Task CompleteAsync(string appServiceId, AppServiceTransaction transaction,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(CompleteSql,
            new { id = appServiceId, items = transaction.Items.ToArray(), txnId = transaction.TxnId },
            cancellationToken: cancellationToken));
    }

    public async Task RecordFailureAsync(string appServiceId, TimeSpan backoff, DateTimeOffset retryAt,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(FailureSql, new
        {
            id = appServiceId, backoffMs = (long)backoff.TotalMilliseconds, retryAt = retryAt.ToUnixTimeMilliseconds(),
        }, cancellationToken: cancellationToken));
    }

    private static async Task EnsureAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        IEnumerable<string> ids, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(EnsureSql,
            new { ids = ids.Distinct(StringComparer.Ordinal).ToArray() }, transaction,
            cancellationToken: cancellationToken));

    private sealed class StateRow
    {
        public long? TxnId { get; init; }

        public byte[]? Body { get; init; }

        public long[]? Items { get; init; }

        public long BackoffMs { get; init; }

        public long RetryAtTs { get; init; }
    }
}
