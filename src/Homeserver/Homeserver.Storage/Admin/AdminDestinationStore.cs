using Dapper;
using Homeserver.Services.Admin;
using Npgsql;

namespace Homeserver.Storage.Admin;

/// <summary>
/// The admin API's reads of <c>federation_destinations</c> (migration 0028: a row per server the sender has queued
/// anything for, with <c>last_successful_stream</c>) and of the rooms shared with a server: rooms where one of its users
/// is joined (<c>room_memberships</c>), with the room's newest stream position (<c>rooms.last_stream</c>).
/// </summary>
public sealed class AdminDestinationStore(NpgsqlDataSource dataSource) : IAdminDestinationStore
{
    private const string ListSql = """
        SELECT destination AS Destination, last_successful_stream AS LastSuccessfulStream
        FROM federation_destinations
        """;

    private const string GetSql = ListSql + " WHERE destination = @destination";

    // A user ID's server name is everything after its first ':' (a port's ':' included).
    private const string SharedRoomsSql = """
        WITH shared AS (
            SELECT DISTINCT room_id FROM room_memberships
            WHERE membership = 'join' AND substr(user_id, strpos(user_id, ':') + 1) = @destination
        )
        SELECT r.room_id AS RoomId, r.last_stream AS StreamOrdering, count(*) OVER () AS Total
        FROM rooms r JOIN shared s ON s.room_id = r.room_id
        """;

    public async Task<IReadOnlyList<DestinationRow>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<DestinationRow>(new CommandDefinition(ListSql,
            cancellationToken: cancellationToken));
        return rows.ToList();
    }

    public async Task<DestinationRow?> GetAsync(string destination, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<DestinationRow>(new CommandDefinition(GetSql,
            new { destination }, cancellationToken: cancellationToken));
    }

    public async Task<(IReadOnlyList<DestinationRoom> Rooms, long Total)> RoomsAsync(string destination,
        AdminPage page, bool backwards, CancellationToken cancellationToken)
    {
        var sql = $"{SharedRoomsSql} ORDER BY r.room_id {(backwards ? "DESC" : "ASC")} LIMIT @limit OFFSET @offset";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<RoomRow>(new CommandDefinition(sql,
            new { destination, limit = page.Limit, offset = page.From }, cancellationToken: cancellationToken))).ToList();
        var total = rows.Count > 0 ? rows[0].Total
            : await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                $"SELECT count(*) FROM ({SharedRoomsSql}) t", new { destination },
                cancellationToken: cancellationToken));
        return (rows.Select(r => new DestinationRoom(r.RoomId, r.StreamOrdering)).ToList(), total);
    }

    private sealed class RoomRow
    {
        public string RoomId { get; set; } = "";

        public long StreamOrdering { get; set; }

        public long Total { get; set; }
    }
}
