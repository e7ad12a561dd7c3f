using Dapper;
using Homeserver.Services.Rooms;
using Npgsql;

namespace Homeserver.Storage.Rooms;

/// <summary>The <c>reports</c> table (migration 0005): reports of events, rooms and (migration 0018) users for
/// administrators.</summary>
public sealed class ReportStore(NpgsqlDataSource dataSource) : IReportStore
{
    private const string InsertSql = """
        INSERT INTO reports (room_id, event_id, reporter, reason, score, received_ts)
        VALUES (@RoomId, @EventId, @Reporter, @Reason, @Score, @ReceivedTs)
        """;

    private const string InsertUserReportSql = """
        INSERT INTO reports (reported_user_id, reporter, reason, received_ts)
        VALUES (@ReportedUserId, @Reporter, @Reason, @ReceivedTs)
        """;

    public async Task AddUserReportAsync(UserReport report, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(InsertUserReportSql, report,
            cancellationToken: cancellationToken));
    }

    public async Task AddAsync(ContentReport report, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, report, cancellationToken: cancellationToken));
    }
}
