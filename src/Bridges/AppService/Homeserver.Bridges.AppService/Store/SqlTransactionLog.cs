using System.Data.Common;
using Dapper;

namespace Homeserver.Bridges.AppService.Store;

/// <summary>
/// The <c>appservice_transactions</c> table: txn_id text PRIMARY KEY, events_handled integer, completed boolean,
/// received_ts bigint.
/// </summary>
public sealed class SqlTransactionLog(DbDataSource dataSource, TimeProvider time) : ITransactionLog
{
    private const string StartSql = """
        INSERT INTO appservice_transactions (txn_id, received_ts) VALUES (@txnId, @now)
        ON CONFLICT (txn_id) DO UPDATE SET txn_id = EXCLUDED.txn_id
        RETURNING events_handled AS EventsHandled, completed AS Completed
        """;

    private const string ProgressSql = "UPDATE appservice_transactions SET events_handled = @eventsHandled WHERE txn_id = @txnId";

    private const string CompleteSql = "UPDATE appservice_transactions SET completed = true WHERE txn_id = @txnId";

    private const string PruneSql = "DELETE FROM appservice_transactions WHERE completed AND received_ts < @before";

    public async Task<TransactionProgress> StartAsync(string txnId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleAsync<ProgressRow>(new CommandDefinition(StartSql,
            new { txnId, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        return new TransactionProgress(row.EventsHandled, row.Completed);
    }

    public async Task RecordProgressAsync(string txnId, int eventsHandled, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(ProgressSql, new { txnId, eventsHandled }, cancellationToken: cancellationToken));
    }

    public async Task CompleteAsync(string txnId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(CompleteSql, new { txnId }, cancellationToken: cancellationToken));
    }

    public async Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(PruneSql, new { before = before.ToUnixTimeMilliseconds() },
            cancellationToken: cancellationToken));
    }

    private sealed class ProgressRow
    {
        public int EventsHandled { get; set; }

        public bool Completed { get; set; }
    }
}
