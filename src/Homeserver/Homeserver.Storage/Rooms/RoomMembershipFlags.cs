using Dapper;
using Homeserver.Services.Rooms;
using Npgsql;

namespace Homeserver.Storage.Rooms;

/// <summary>Flags on the <c>room_memberships</c> table (migration 0003) that are not membership changes.</summary>
public sealed class RoomMembershipFlags(NpgsqlDataSource dataSource) : IRoomMembershipFlags
{
    private const string ForgetSql = """
        UPDATE room_memberships SET forgotten = true WHERE room_id = @roomId AND user_id = @userId
        """;

    public async Task ForgetAsync(string roomId, string userId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(ForgetSql, new { roomId, userId },
            cancellationToken: cancellationToken));
    }
}
