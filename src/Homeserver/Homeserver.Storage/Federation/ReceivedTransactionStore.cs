using Dapper;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Federation.Transactions;
using Npgsql;

namespace Homeserver.Storage.Federation;

/// <summary>
/// The <c>received_transactions</c> table (migration 0029):
/// origin text, transaction_id text, response_json text, received_ts bigint, PRIMARY KEY (origin, transaction_id).
/// An answer is kept for <see cref="Retention"/> (a sender retries a transaction for far less; Synapse keeps a day):
/// each save drops the older ones.
/// </summary>
public sealed class ReceivedTransactionStore(NpgsqlDataSource dataSource, TimeProvider time) : IReceivedTransactionStore
{
    public static readonly TimeSpan Retention = TimeSpan.FromDays(1);

    private const string SelectSql = """
        SELECT response_json FROM received_transactions WHERE origin = @origin AND transaction_id = @transactionId
        """;

    private const string InsertSql = """
        INSERT INTO received_transactions (origin, transaction_id, response_json, received_ts)
        VALUES (@origin, @transactionId, @responseJson, @now)
        ON CONFLICT (origin, transaction_id) DO NOTHING
        """;

    private const string PruneSql = "DELETE FROM received_transactions WHERE received_ts < @cutoff";

    public async Task<string?> GetResponseAsync(ServerName origin, string transactionId,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(SelectSql,
            new { origin = origin.Value, transactionId }, cancellationToken: cancellationToken));
    }

    public async Task SaveResponseAsync(ServerName origin, string transactionId, string responseJson,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(InsertSql,
            new { origin = origin.Value, transactionId, responseJson, now = now.ToUnixTimeMilliseconds() },
            cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(PruneSql,
            new { cutoff = (now - Retention).ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
    }
}
