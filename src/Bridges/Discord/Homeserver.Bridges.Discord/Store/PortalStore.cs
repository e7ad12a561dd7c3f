using System.Data.Common;
using Dapper;
using Homeserver.Bridges.AppService.Store;

namespace Homeserver.Bridges.Discord.Store;

/// <summary>A Matrix room linked to a Discord channel, and the webhook the bridge relays Matrix users through.</summary>
public sealed record Portal(string RoomId, string ChannelId, string? GuildId, string WebhookId, string WebhookToken, string LinkedBy);

/// <summary>
/// The <c>discord_portals</c> table: room_id (PRIMARY KEY), channel_id (UNIQUE), guild_id, webhook_id, webhook_token,
/// linked_by, created_ts. Portable SQL through Dapper over <see cref="DbConnection"/> (Postgres or SQLite).
/// </summary>
public sealed class PortalStore(Func<CancellationToken, ValueTask<DbConnection>> open, TimeProvider time)
{
    private const string Columns = "room_id AS RoomId, channel_id AS ChannelId, guild_id AS GuildId, webhook_id AS WebhookId, " +
                                   "webhook_token AS WebhookToken, linked_by AS LinkedBy";

    private const string InsertSql = """
        INSERT INTO discord_portals (room_id, channel_id, guild_id, webhook_id, webhook_token, linked_by, created_ts)
        VALUES (@RoomId, @ChannelId, @GuildId, @WebhookId, @WebhookToken, @LinkedBy, @now)
        ON CONFLICT DO NOTHING
        """;

    private const string ByRoomSql = $"SELECT {Columns} FROM discord_portals WHERE room_id = @roomId";

    private const string ByChannelSql = $"SELECT {Columns} FROM discord_portals WHERE channel_id = @channelId";

    private const string DeleteSql = "DELETE FROM discord_portals WHERE room_id = @roomId";

    /// <summary>The store over <paramref name="dataSource"/> (the SDK's database).</summary>
    public static PortalStore Over(DbDataSource dataSource, TimeProvider time) =>
        new(async ct => await dataSource.OpenConnectionAsync(ct), time);

    /// <summary>The bridge's own migrations, with their own history table beside the SDK's.</summary>
    public static SchemaMigrator Migrator(DbDataSource dataSource) => new(dataSource, "discord_schema_migrations",
        typeof(PortalStore).Assembly, "Homeserver.Bridges.Discord.Store.Migrations.");

    /// <summary>Stores the link unless the room or the channel is linked already; returns whether it was stored.</summary>
    public async Task<bool> TryAddAsync(Portal portal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(portal);
        await using var connection = await open(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(InsertSql, new
        {
            portal.RoomId, portal.ChannelId, portal.GuildId, portal.WebhookId, portal.WebhookToken, portal.LinkedBy,
            now = time.GetUtcNow().ToUnixTimeMilliseconds(),
        }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task<Portal?> ByRoomAsync(string roomId, CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken);
        return (await connection.QuerySingleOrDefaultAsync<PortalRow>(new CommandDefinition(ByRoomSql, new { roomId },
            cancellationToken: cancellationToken)))?.ToPortal();
    }

    public async Task<Portal?> ByChannelAsync(string channelId, CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken);
        return (await connection.QuerySingleOrDefaultAsync<PortalRow>(new CommandDefinition(ByChannelSql, new { channelId },
            cancellationToken: cancellationToken)))?.ToPortal();
    }

    public async Task<bool> RemoveAsync(string roomId, CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(DeleteSql, new { roomId }, cancellationToken: cancellationToken)) == 1;
    }

    private sealed class PortalRow
    {
        public string RoomId { get; set; } = "";

        public string ChannelId { get; set; } = "";

        public string? GuildId { get; set; }

        public string WebhookId { get; set; } = "";

        public string WebhookToken { get; set; } = "";

        public string LinkedBy { get; set; } = "";

        public Portal ToPortal() => new(RoomId, ChannelId, GuildId, WebhookId, WebhookToken, LinkedBy);
    }
}
