using System.Security.Cryptography;
using Homeserver.Bench.Client;
using Npgsql;

namespace Homeserver.Bench.Baselines;

/// <summary>
/// The storage limit: a bare loop that inserts one ~1 KB row and commits, per message, into a scratch table of its own
/// (<c>bench_baseline_{random}</c>, dropped at the end) in the server's Postgres, one connection per concurrent worker.
/// </summary>
public sealed class PostgresInsertLoop : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _table = "bench_baseline_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
    private bool _created;

    public PostgresInsertLoop(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 1000 };
        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
    }

    /// <summary>Runs <paramref name="workers"/> loops of <paramref name="perWorker"/> insert-and-commit each; returns the wall seconds.</summary>
    public async Task<double> RunAsync(int workers, int perWorker, CancellationToken cancellationToken)
    {
        if (!_created)
        {
            await using var create = _dataSource.CreateCommand(
                $"CREATE TABLE {_table} (id bigserial PRIMARY KEY, room_id text NOT NULL, txn_id text NOT NULL, payload text NOT NULL)");
            await create.ExecuteNonQueryAsync(cancellationToken);
            _created = true;
        }

        // Open the connections first: connecting is not what is measured.
        var connections = new NpgsqlConnection[workers];
        try
        {
            for (var i = 0; i < workers; i++)
            {
                connections[i] = await _dataSource.OpenConnectionAsync(cancellationToken);
            }

            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            await Task.WhenAll(connections.Select((connection, worker) =>
                InsertLoopAsync(connection, worker, perWorker, cancellationToken)));
            return System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
        }
        finally
        {
            foreach (var connection in connections.Where(c => c is not null))
            {
                await connection.DisposeAsync();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_created)
        {
            try
            {
                await using var drop = _dataSource.CreateCommand($"DROP TABLE IF EXISTS {_table}");
                await drop.ExecuteNonQueryAsync();
            }
            catch (NpgsqlException)
            {
                // The table is a scratch one; a failed drop leaves only a little data behind.
            }
        }

        await _dataSource.DisposeAsync();
    }

    private async Task InsertLoopAsync(NpgsqlConnection connection, int worker, int count,
        CancellationToken cancellationToken)
    {
        var room = $"!room{worker}:bench";
        for (var i = 0; i < count; i++)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var insert = new NpgsqlCommand(
                             $"INSERT INTO {_table} (room_id, txn_id, payload) VALUES ($1, $2, $3)", connection, transaction))
            {
                insert.Parameters.Add(new NpgsqlParameter { Value = room });
                insert.Parameters.Add(new NpgsqlParameter { Value = $"{worker}-{i}" });
                insert.Parameters.Add(new NpgsqlParameter { Value = Payload.Text(i) });
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
    }
}
