using Dapper;
using Homeserver.Services.Streams;
using Npgsql;

namespace Homeserver.Storage.Streams;

/// <summary>
/// The <c>stream_consumers</c> table (migration 0026). A hold is a transaction-scoped advisory lock on a connection
/// of its own (released when the hold ends, or by Postgres if this process dies); the cursor's updates commit on other
/// connections, at once.
/// </summary>
public sealed class StreamCursorStore(NpgsqlDataSource dataSource) : IStreamCursorStore
{
    private const string HoldSql = "SELECT pg_try_advisory_xact_lock(hashtextextended('stream-consumer:' || @consumer, 1))";

    private const string EnsureSql = """
        INSERT INTO stream_consumers (name, position, updated_ts)
        VALUES (@consumer, (SELECT COALESCE(max(stream_ordering), 0) FROM events), (extract(epoch FROM now()) * 1000)::bigint)
        ON CONFLICT (name) DO NOTHING
        """;

    private const string PositionSql = "SELECT position FROM stream_consumers WHERE name = @consumer";

    private const string AdvanceSql = """
        UPDATE stream_consumers SET position = @position, updated_ts = (extract(epoch FROM now()) * 1000)::bigint
        WHERE name = @consumer AND position < @position
        """;

    public async Task EnsureAsync(string consumer, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(EnsureSql, new { consumer }, cancellationToken: cancellationToken));
    }

    public async Task<IStreamCursorHold?> TryHoldAsync(string consumer, CancellationToken cancellationToken)
    {
        await EnsureAsync(consumer, cancellationToken); // committed at once: the hold's updates go through other connections
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition(HoldSql, new { consumer }, transaction,
                    cancellationToken: cancellationToken)))
            {
                var position = await connection.ExecuteScalarAsync<long>(new CommandDefinition(PositionSql,
                    new { consumer }, transaction, cancellationToken: cancellationToken));
                return new Hold(dataSource, consumer, position, connection, transaction);
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

    private sealed class Hold(NpgsqlDataSource dataSource, string consumer, long position, NpgsqlConnection connection,
        NpgsqlTransaction transaction) : IStreamCursorHold
    {
        public long Position { get; private set; } = position;

        public async Task AdvanceAsync(long position, CancellationToken cancellationToken)
        {
            await using var update = await dataSource.OpenConnectionAsync(cancellationToken);
            await update.ExecuteAsync(new CommandDefinition(AdvanceSql, new { consumer, position },
                cancellationToken: cancellationToken));
            Position = Math.Max(Position, position);
        }

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
