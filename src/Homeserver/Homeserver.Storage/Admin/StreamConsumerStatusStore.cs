using Dapper;
using Homeserver.Services.Admin;
using Npgsql;

namespace Homeserver.Storage.Admin;

/// <summary>Reads <c>stream_consumers</c> (migration 0026: name, position, updated_ts) and the event stream's head (the
/// newest <c>events.stream_ordering</c>).</summary>
public sealed class StreamConsumerStatusStore(NpgsqlDataSource dataSource) : IStreamConsumerStatusStore
{
    private const string ConsumersSql = """
        SELECT name AS Name, position AS Position, updated_ts AS UpdatedTs FROM stream_consumers ORDER BY name
        """;

    private const string HeadSql = "SELECT coalesce(max(stream_ordering), 0) FROM events";

    public async Task<(IReadOnlyList<StreamConsumerStatus> Consumers, long Head)> ReadAsync(
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var consumers = await connection.QueryAsync<StreamConsumerStatus>(new CommandDefinition(ConsumersSql,
            cancellationToken: cancellationToken));
        var head = await connection.ExecuteScalarAsync<long>(new CommandDefinition(HeadSql,
            cancellationToken: cancellationToken));
        return (consumers.ToList(), head);
    }
}
