using Dapper;
using Homeserver.Services.Admin.Rooms;
using Npgsql;

namespace Homeserver.Storage.Admin.Rooms;

/// <summary>The <c>blocked_rooms</c> table (migration 0040): room_id text PK, user_id text (the admin).</summary>
public sealed class RoomBlocklistStore(NpgsqlDataSource dataSource) : IRoomBlocklist
{
    public async Task<string?> BlockedByAsync(string roomId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT user_id FROM blocked_rooms WHERE room_id = @roomId", new { roomId },
            cancellationToken: cancellationToken));
    }

    public async Task BlockAsync(string roomId, string adminUserId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO blocked_rooms (room_id, user_id) VALUES (@roomId, @adminUserId)
            ON CONFLICT (room_id) DO UPDATE SET user_id = EXCLUDED.user_id
            """, new { roomId, adminUserId }, cancellationToken: cancellationToken));
    }

    public async Task UnblockAsync(string roomId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM blocked_rooms WHERE room_id = @roomId",
            new { roomId }, cancellationToken: cancellationToken));
    }
}
