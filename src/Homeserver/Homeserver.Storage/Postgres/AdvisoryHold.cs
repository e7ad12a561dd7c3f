using Dapper;
using Npgsql;

namespace Homeserver.Storage.Postgres;

/// <summary>
/// Work one process at a time does: a transaction-scoped advisory lock on a connection of its own, released when the
/// hold is disposed, or by Postgres if the process dies. What the holder writes commits on other connections.
/// </summary>
internal sealed class AdvisoryHold : IAsyncDisposable
{
    private const string TryLockSql = "SELECT pg_try_advisory_xact_lock(hashtextextended(@key, 1))";
    private const string LockSql = "SELECT true FROM pg_advisory_xact_lock(hashtextextended(@key, 1))";

    private AdvisoryHold(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        Connection = connection;
        Transaction = transaction;
    }

    /// <summary>The held connection and its transaction (reads made there see the state under the hold).</summary>
    public NpgsqlConnection Connection { get; }

    public NpgsqlTransaction Transaction { get; }

    /// <summary>The hold of <paramref name="key"/>, or null when another holds it (unless <paramref name="wait"/>).</summary>
    public static async Task<AdvisoryHold?> TryAcquireAsync(NpgsqlDataSource dataSource, string key, bool wait,
        CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition(wait ? LockSql : TryLockSql,
                    new { key }, transaction, cancellationToken: cancellationToken)))
            {
                return new AdvisoryHold(connection, transaction);
            }

            await transaction.DisposeAsync();
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        await connection.DisposeAsync();
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await Transaction.DisposeAsync();
        await Connection.DisposeAsync();
    }
}
