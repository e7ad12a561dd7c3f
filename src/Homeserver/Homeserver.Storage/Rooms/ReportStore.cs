using Dapper;
using Homeserver.Services.Admin;
using Homeserver.Services.Rooms;
using Npgsql;

namespace Homeserver.Storage.Rooms;

/// <summary>The <c>reports</c> table (migration 0005): reports of events, rooms and (migration 0018) users for
/// administrators, who read the reports of events through Synapse's admin API and resolve them by deleting.</summary>
public sealed class ReportStore(NpgsqlDataSource dataSource) : IReportStore, IEventReportAdminStore
{
    private const string InsertSql = """
        INSERT INTO reports (room_id, event_id, reporter, reason, score, received_ts)
        VALUES (@RoomId, @EventId, @Reporter, @Reason, @Score, @ReceivedTs)
        """;

    private const string InsertUserReportSql = """
        INSERT INTO reports (reported_user_id, reporter, reason, received_ts)
        VALUES (@ReportedUserId, @Reporter, @Reason, @ReceivedTs)
        """;

    // Reports of events only; the filters are Synapse's (substrings of the reporter and room, the exact sender).
    private const string EventReportFilterSql = """
        FROM reports r LEFT JOIN events e ON e.event_id = r.event_id
        WHERE r.event_id IS NOT NULL
          AND (@reporter::text IS NULL OR strpos(r.reporter, @reporter) > 0)
          AND (@room::text IS NULL OR strpos(r.room_id, @room) > 0)
          AND (@sender::text IS NULL OR e.sender = @sender)
        """;

    private const string EventReportColumnsSql = """
        SELECT r.id AS Id, r.received_ts AS ReceivedTs, r.room_id AS RoomId, r.event_id AS EventId,
               r.reporter AS Reporter, r.score AS Score, r.reason AS Reason, e.sender AS Sender,
               (SELECT (s.json::jsonb) -> 'content' ->> 'alias' FROM current_state c JOIN events s ON s.event_id = c.event_id
                WHERE c.room_id = r.room_id AND c.type = 'm.room.canonical_alias' AND c.state_key = '') AS CanonicalAlias,
               (SELECT (s.json::jsonb) -> 'content' ->> 'name' FROM current_state c JOIN events s ON s.event_id = c.event_id
                WHERE c.room_id = r.room_id AND c.type = 'm.room.name' AND c.state_key = '') AS Name
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

    public async Task<(IReadOnlyList<EventReport> Reports, long Total)> ListAsync(EventReportQuery query,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var order = query.NewestFirst ? "DESC" : "ASC";
        var parameters = new
        {
            reporter = query.ReporterContains, room = query.RoomContains, sender = query.EventSender,
            limit = query.Page.Limit, offset = query.Page.From,
        };
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) " + EventReportFilterSql, parameters, cancellationToken: cancellationToken));
        var rows = await connection.QueryAsync<EventReportRow>(new CommandDefinition(
            $"{EventReportColumnsSql} {EventReportFilterSql} ORDER BY r.received_ts {order}, r.id {order} LIMIT @limit OFFSET @offset",
            parameters, cancellationToken: cancellationToken));
        return (rows.Select(r => r.ToReport()).ToList(), total);
    }

    public async Task<(EventReport Report, string? EventJson)?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<EventReportRow>(new CommandDefinition(
            $"{EventReportColumnsSql}, e.json AS EventJson FROM reports r LEFT JOIN events e ON e.event_id = r.event_id WHERE r.id = @id AND r.event_id IS NOT NULL",
            new { id }, cancellationToken: cancellationToken));
        return row is null ? null : (row.ToReport(), row.EventJson);
    }

    public async Task<bool> DeleteAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM reports WHERE id = @id AND event_id IS NOT NULL", new { id },
            cancellationToken: cancellationToken)) == 1;
    }

    private sealed class EventReportRow
    {
        public long Id { get; set; }

        public long ReceivedTs { get; set; }

        public string RoomId { get; set; } = "";

        public string EventId { get; set; } = "";

        public string Reporter { get; set; } = "";

        public int? Score { get; set; }

        public string? Reason { get; set; }

        public string? Sender { get; set; }

        public string? CanonicalAlias { get; set; }

        public string? Name { get; set; }

        public string? EventJson { get; set; }

        public EventReport ToReport() =>
            new(Id, ReceivedTs, RoomId, EventId, Reporter, Score, Reason, Sender, CanonicalAlias, Name);
    }
}
