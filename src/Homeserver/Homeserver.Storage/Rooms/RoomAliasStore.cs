using Dapper;
using Homeserver.Services.Rooms.Directory;
using Npgsql;

namespace Homeserver.Storage.Rooms;

/// <summary>
/// The <c>room_aliases</c> table (migration 0004):
/// room_alias text PRIMARY KEY, room_id text, creator text, created_ts bigint.
/// </summary>
public sealed class RoomAliasStore(NpgsqlDataSource dataSource, TimeProvider time) : IRoomAliasStore
{
    private const string InsertSql = """
        INSERT INTO room_aliases (room_alias, room_id, creator, created_ts)
        VALUES (@alias, @roomId, @creator, @now)
        ON CONFLICT (room_alias) DO NOTHING
        """;

    private const string SelectSql = """
        SELECT room_alias AS Alias, room_id AS RoomId, creator AS Creator FROM room_aliases WHERE room_alias = @alias
        """;

    private const string DeleteSql = "DELETE FROM room_aliases WHERE room_alias = @alias";

    private const string SelectOfRoomSql = """
        SELECT room_alias FROM room_aliases WHERE room_id = @roomId ORDER BY created_ts, room_alias
        """;

    public async Task<bool> TryCreateAsync(string alias, string roomId, string creator, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(InsertSql,
            new { alias, roomId, creator, now = time.GetUtcNow().ToUnixTimeMilliseconds() },
            cancellationToken: cancellationToken)) == 1;
    }

    public async Task<RoomAliasEntry?> GetAsync(string alias, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<AliasRow>(new CommandDefinition(SelectSql, new { alias },
            cancellationToken: cancellationToken));
        return row is null ? null : new RoomAliasEntry(row.Alias, row.RoomId, row.Creator);
    }

    public async Task<bool> DeleteAsync(string alias, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(DeleteSql, new { alias },
            cancellationToken: cancellationToken)) == 1;
    }

    public async Task<IReadOnlyList<string>> GetAliasesOfRoomAsync(string roomId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<string>(new CommandDefinition(SelectOfRoomSql, new { roomId },
            cancellationToken: cancellationToken))).ToList();
    }

    private sealed class AliasRow
    {
        public string Alias { get; set; } = "";

        public string RoomId { get; set; } = "";

        public string Creator { get; set; } = "";
    }
}
