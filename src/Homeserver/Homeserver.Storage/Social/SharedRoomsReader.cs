using Dapper;
using Homeserver.Services.Social;
using Npgsql;

namespace Homeserver.Storage.Social;

/// <summary>Rooms two users are both joined to, from <c>room_memberships</c> (migration 0003).</summary>
public sealed class SharedRoomsReader(NpgsqlDataSource dataSource) : ISharedRoomsReader
{
    private const string SharedSql = """
        SELECT mine.room_id FROM room_memberships mine
        JOIN room_memberships theirs ON theirs.room_id = mine.room_id AND theirs.user_id = @other
        WHERE mine.user_id = @user AND mine.membership = 'join' AND theirs.membership = 'join'
        """;

    private const string ShareARoomSql = "SELECT EXISTS (" + SharedSql + ")";

    private const string PageSql = """
        SELECT room_id FROM (
        """ + SharedSql + """
        ) shared WHERE @after::text IS NULL OR room_id COLLATE "C" > @after ORDER BY room_id COLLATE "C" LIMIT @limit
        """;

    private const string CountSql = "SELECT count(*) FROM (" + SharedSql + ") shared";

    public async Task<bool> ShareARoomAsync(string userId, string otherUserId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(ShareARoomSql,
            new { user = userId, other = otherUserId }, cancellationToken: cancellationToken));
    }

    public async Task<(IReadOnlyList<string> RoomIds, int Total)> GetSharedRoomsAsync(string userId,
        string otherUserId, string? afterRoomId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rooms = await connection.QueryAsync<string>(new CommandDefinition(PageSql,
            new { user = userId, other = otherUserId, after = afterRoomId, limit }, cancellationToken: cancellationToken));
        var total = await connection.ExecuteScalarAsync<int>(new CommandDefinition(CountSql,
            new { user = userId, other = otherUserId }, cancellationToken: cancellationToken));
        return (rooms.ToList(), total);
    }
}
