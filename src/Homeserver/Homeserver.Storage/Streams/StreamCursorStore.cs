using Dapper;
using Homeserver.Services.Streams;
using Homeserver.Storage.Postgres;
using Npgsql;

namespace Homeserver.Storage.Streams;

/// <summary>
/// The <c>stream_consumers</c> table (migration 0026). A hold is an <see cref="AdvisoryHold"/>; the cursor's updates
/// commit on other connections, at once.
/// </summary>
public sealed class StreamCursorStore(NpgsqlDataSource dataSource) : IStreamCursorStore
{
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
        var hold = await AdvisoryHold.TryAcquireAsync(dataSource, "stream-consumer:" + consumer, wait: false,
            cancellationToken);
        if (hold is null)
        {
            return null;
        }

        try
        {
            var position = await hold.Connection.ExecuteScalarAsync<long>(new CommandDefinition(PositionSql,
                new { consumer }, hold.Transaction, cancellationToken: cancellationToken));
            return new Hold(dataSource, consumer, position, hold);
        }
        catch
        {
            await hold.DisposeAsync();
            throw;
        }
    }

    private sealed class Hold(NpgsqlDataSource dataSource, string consumer, long position, AdvisoryHold hold)
        : IStreamCursorHold
    {
        public long Position { get; private set; } = position;

        public async Task AdvanceAsync(long position, CancellationToken cancellationToken)
        {
            await using var update = await dataSource.OpenConnectionAsync(cancellationToken);
            await update.ExecuteAsync(new CommandDefinition(AdvanceSql, new { consumer, position },
                cancellationToken: cancellationToken));
            Position = Math.Max(Position, position);
        }

        public ValueTask DisposeAsync() => hold.DisposeAsync();
    }
}
