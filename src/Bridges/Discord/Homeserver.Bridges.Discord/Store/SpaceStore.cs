using System.Data.Common;
using Dapper;

namespace Homeserver.Bridges.Discord.Store;

/// <summary>A Discord guild's Matrix space, with the name and icon hash last set on it.</summary>
public sealed record GuildSpace(string GuildId, string RoomId, string? Name, string? Icon);

/// <summary>
/// The <c>discord_spaces</c> table: guild_id (PRIMARY KEY), room_id (UNIQUE), name, icon, created_ts. Portable SQL
/// through Dapper (Postgres or SQLite).
/// </summary>
public sealed class SpaceStore(Func<CancellationToken, ValueTask<DbConnection>> open, TimeProvider time)
{
    private const string InsertSql = """
        INSERT INTO discord_spaces (guild_id, room_id, name, icon, created_ts) VALUES (@GuildId, @RoomId, @Name, @Icon, @now)
        ON CONFLICT DO NOTHING
        """;

    private const string ByGuildSql = "SELECT guild_id AS GuildId, room_id AS RoomId, name AS Name, icon AS Icon FROM discord_spaces WHERE guild_id = @guildId";

    private const string UpdateSql = "UPDATE discord_spaces SET name = @Name, icon = @Icon WHERE guild_id = @GuildId";

    public static SpaceStore Over(DbDataSource dataSource, TimeProvider time) => new(async ct => await dataSource.OpenConnectionAsync(ct), time);

    /// <summary>Stores the space unless the guild has one already; returns whether it was stored.</summary>
    public async Task<bool> TryAddAsync(GuildSpace space, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(space);
        await using var connection = await open(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(InsertSql, new
        {
            space.GuildId, space.RoomId, space.Name, space.Icon, now = time.GetUtcNow().ToUnixTimeMilliseconds(),
        }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task<GuildSpace?> ByGuildAsync(string guildId, CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken);
        return (await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(ByGuildSql, new { guildId },
            cancellationToken: cancellationToken)))?.ToSpace();
    }

    /// <summary>Records the name and icon now set on the space.</summary>
    public async Task UpdateAsync(GuildSpace space, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(space);
        await using var connection = await open(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(UpdateSql, new { space.GuildId, space.Name, space.Icon },
            cancellationToken: cancellationToken));
    }

    private sealed class Row
    {
        public string GuildId { get; set; } = "";

        public string RoomId { get; set; } = "";

        public string? Name { get; set; }

        public string? Icon { get; set; }

        public GuildSpace ToSpace() => new(GuildId, RoomId, Name, Icon);
    }
}
