using Homeserver.Services.Rooms.Input;
using Npgsql;

namespace Homeserver.Storage.Rooms;

/// <summary>Reserves backfilled events' timeline positions from <c>event_backfill_seq</c> (negated: each one lower).</summary>
public sealed class BackfillPositions(NpgsqlDataSource dataSource) : IBackfillPositions
{
    public async Task<IReadOnlyList<long>> ReserveAsync(int count, CancellationToken cancellationToken)
    {
        if (count <= 0)
        {
            return [];
        }

        await using var command = dataSource.CreateCommand(
            "SELECT -nextval('event_backfill_seq') FROM generate_series(1, $1)");
        command.Parameters.Add(new NpgsqlParameter { Value = count });
        var positions = new List<long>(count);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            positions.Add(reader.GetInt64(0));
        }

        positions.Sort();
        return positions;
    }
}
