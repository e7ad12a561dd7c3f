using Dapper;
using Homeserver.Services.Live.JoinLinks;
using Npgsql;

namespace Homeserver.Storage.Live;

/// <summary>
/// The <c>live_join_passwords</c> table (migration 0036):
/// room_id text PRIMARY KEY, password_hash text, set_by text, set_at bigint.
/// </summary>
public sealed class JoinPasswordStore(NpgsqlDataSource dataSource) : IJoinPasswordStore
{
    private const string UpsertSql = """
        INSERT INTO live_join_passwords (room_id, password_hash, set_by, set_at)
        VALUES (@RoomId, @PasswordHash, @SetBy, @SetAt)
        ON CONFLICT (room_id) DO UPDATE
            SET password_hash = EXCLUDED.password_hash, set_by = EXCLUDED.set_by, set_at = EXCLUDED.set_at
        """;

    private const string SelectSql = """
        SELECT room_id AS RoomId, password_hash AS PasswordHash, set_by AS SetBy, set_at AS SetAt
        FROM live_join_passwords WHERE room_id = @roomId
        """;

    private const string DeleteSql = "DELETE FROM live_join_passwords WHERE room_id = @roomId";

    public async Task SetAsync(JoinPassword password, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(UpsertSql, password, cancellationToken: cancellationToken));
    }

    public async Task<JoinPassword?> GetAsync(string roomId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectSql, new { roomId },
            cancellationToken: cancellationToken));
        return row is null ? null : new JoinPassword(row.RoomId, row.PasswordHash, row.SetBy, row.SetAt);
    }

    public async Task DeleteAsync(string roomId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(DeleteSql, new { roomId },
            cancellationToken: cancellationToken));
    }

    private sealed class Row
    {
        public string RoomId { get; set; } = "";

        public string PasswordHash { get; set; } = "";

        public string SetBy { get; set; } = "";

        public long SetAt { get; set; }
    }
}
