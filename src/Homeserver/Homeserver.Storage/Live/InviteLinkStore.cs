using Dapper;
using Homeserver.Services.Live.JoinLinks;
using Npgsql;

namespace Homeserver.Storage.Live;

/// <summary>
/// The <c>live_invite_links</c> table (migration 0036): token_hash bytea PRIMARY KEY (SHA-256 of the token), link_id
/// text UNIQUE, room_id text, created_by text, created_at bigint, expires_at bigint NULL, max_uses integer NULL,
/// uses integer. A use is counted by one conditional UPDATE: Postgres re-checks the condition of a row another
/// transaction changed meanwhile, so two uses racing for the last one cannot both count.
/// </summary>
public sealed class InviteLinkStore(NpgsqlDataSource dataSource) : IInviteLinkStore
{
    private const string Columns = """
        token_hash AS TokenHash, link_id AS Id, room_id AS RoomId, created_by AS CreatedBy, created_at AS CreatedAt,
        expires_at AS ExpiresAt, max_uses AS MaxUses, uses AS Uses
        """;

    private const string InsertSql = """
        INSERT INTO live_invite_links (token_hash, link_id, room_id, created_by, created_at, expires_at, max_uses, uses)
        VALUES (@TokenHash, @Id, @RoomId, @CreatedBy, @CreatedAt, @ExpiresAt, @MaxUses, @Uses)
        """;

    private const string SelectSql = "SELECT " + Columns + " FROM live_invite_links WHERE token_hash = @tokenHash";

    private const string SelectOfRoomSql =
        "SELECT " + Columns + " FROM live_invite_links WHERE room_id = @roomId ORDER BY created_at, link_id";

    private const string SelectInRoomSql = "SELECT " + Columns + """
         FROM live_invite_links WHERE room_id = @roomId AND (link_id = @id OR token_hash = @tokenHash)
        """;

    private const string DeleteSql = "DELETE FROM live_invite_links WHERE token_hash = @tokenHash";

    private const string UseSql = """
        UPDATE live_invite_links SET uses = uses + 1
        WHERE token_hash = @tokenHash AND room_id = @roomId
          AND (expires_at IS NULL OR expires_at > @now) AND (max_uses IS NULL OR uses < max_uses)
        """;

    private const string ReleaseSql =
        "UPDATE live_invite_links SET uses = uses - 1 WHERE token_hash = @tokenHash AND uses > 0";

    public async Task CreateAsync(InviteLink link, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, link, cancellationToken: cancellationToken));
    }

    public async Task<InviteLink?> GetAsync(byte[] tokenHash, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectSql, new { tokenHash },
            cancellationToken: cancellationToken));
        return row?.ToLink();
    }

    public async Task<IReadOnlyList<InviteLink>> ListAsync(string roomId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(SelectOfRoomSql, new { roomId },
            cancellationToken: cancellationToken));
        return rows.Select(row => row.ToLink()).ToList();
    }

    public async Task<InviteLink?> FindInRoomAsync(string roomId, string id, byte[] tokenHash,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QueryFirstOrDefaultAsync<Row>(new CommandDefinition(SelectInRoomSql,
            new { roomId, id, tokenHash }, cancellationToken: cancellationToken));
        return row?.ToLink();
    }

    public async Task<bool> DeleteAsync(byte[] tokenHash, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(DeleteSql, new { tokenHash },
            cancellationToken: cancellationToken)) == 1;
    }

    public async Task<bool> TryUseAsync(byte[] tokenHash, string roomId, long now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(UseSql, new { tokenHash, roomId, now },
            cancellationToken: cancellationToken)) == 1;
    }

    public async Task ReleaseUseAsync(byte[] tokenHash, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(ReleaseSql, new { tokenHash },
            cancellationToken: cancellationToken));
    }

    private sealed class Row
    {
        public byte[] TokenHash { get; set; } = [];

        public string Id { get; set; } = "";

        public string RoomId { get; set; } = "";

        public string CreatedBy { get; set; } = "";

        public long CreatedAt { get; set; }

        public long? ExpiresAt { get; set; }

        public int? MaxUses { get; set; }

        public int Uses { get; set; }

        public InviteLink ToLink() => new(TokenHash, Id, RoomId, CreatedBy, CreatedAt, ExpiresAt, MaxUses, Uses);
    }
}
