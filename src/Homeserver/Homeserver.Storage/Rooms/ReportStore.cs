using Dapper;
using Homeserver.Services.Rooms;
using Npgsql;

namespace Homeserver.Storage.Rooms;

/// <summary>The <c>reports</c> table (migration 0005): reports of events and rooms for administrators.</summary>
public sealed class ReportStore(NpgsqlDataSource dataSource) : IReportStore
{
    private const string InsertSql = """
        INSERT INTO reports (room_id, event_id, reporter, reason, score, received_ts)
        VALUES (@RoomId, @EventId, @Reporter, @Reason, @Score, @ReceivedTs)
        """;

    public async Task AddAsync(ContentReport report, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, report, cancellationToken: cancellationToken));
    }
}
