using Dapper;
using Homeserver.Services.Live;
using Homeserver.Services.Live.Access;
using Npgsql;

namespace Homeserver.Storage.Live;

/// <summary>
/// The live schedules naming an artist, from <c>room_memberships</c> (their joined rooms, index on user and
/// membership), <c>current_state</c> (each room's schedule, by primary key) and <c>events</c> (its content): one query,
/// made only when someone is invited.
/// </summary>
public sealed class ArtistScheduleReader(NpgsqlDataSource dataSource) : IArtistScheduleReader
{
    private const string SelectSql = """
        SELECT cs.room_id AS RoomId, (e.json::jsonb -> 'content')::text AS ContentJson
        FROM room_memberships m
        JOIN current_state cs ON cs.room_id = m.room_id AND cs.type = @type AND cs.state_key = ''
        JOIN events e ON e.event_id = cs.event_id
        WHERE m.user_id = @userId AND m.membership = 'join' AND e.redacted_by IS NULL
          AND e.json::jsonb -> 'content' -> 'artists' @> jsonb_build_array(@userId::text)
        """;

    public async Task<IReadOnlyList<JoinedRoomSchedule>> GetSchedulesNamingAsync(string userId,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<ScheduleRow>(new CommandDefinition(SelectSql,
                new { userId, type = LiveNames.Schedule }, cancellationToken: cancellationToken)))
            .Select(r => new JoinedRoomSchedule(r.RoomId, r.ContentJson)).ToList();
    }

    private sealed class ScheduleRow
    {
        public string RoomId { get; set; } = "";
        public string ContentJson { get; set; } = "";
    }
}
