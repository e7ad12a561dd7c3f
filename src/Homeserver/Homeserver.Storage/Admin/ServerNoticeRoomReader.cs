using Dapper;
using Homeserver.Services.Admin;
using Npgsql;

namespace Homeserver.Storage.Admin;

/// <summary>Reads <c>room_memberships</c> (migration 0003) for a user's server-notices room.</summary>
public sealed class ServerNoticeRoomReader(NpgsqlDataSource dataSource) : IServerNoticeRooms
{
    private const string FindSql = """
        SELECT mine.room_id
        FROM room_memberships mine
        JOIN room_memberships notices ON notices.room_id = mine.room_id
        WHERE mine.user_id = @userId AND mine.membership IN ('invite', 'join')
          AND notices.user_id = @noticesUserId AND notices.membership = 'join'
        ORDER BY mine.stream_ordering DESC
        LIMIT 1
        """;

    public async Task<string?> FindAsync(string userId, string noticesUserId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(FindSql,
            new { userId, noticesUserId }, cancellationToken: cancellationToken));
    }
}
