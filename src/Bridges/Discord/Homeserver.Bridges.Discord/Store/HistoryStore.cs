using System.Data.Common;
using Dapper;

namespace Homeserver.Bridges.Discord.Store;

/// <summary>How far a portal's channel was bridged: the newest Discord message bridged (null before the first) and
/// when the channel was linked (Unix ms).</summary>
public sealed record PortalProgress(string RoomId, string ChannelId, long? LastMessageId, long LinkedTs);

/// <summary>
/// <c>discord_portals.last_message_id</c>: the newest Discord message of the channel bridged to Matrix, where catching
/// up after downtime starts. It only moves forward.
/// </summary>
public sealed class HistoryStore(Func<CancellationToken, ValueTask<DbConnection>> open)
{
    private const string ListSql = "SELECT room_id AS RoomId, channel_id AS ChannelId, last_message_id AS LastMessageId, created_ts AS LinkedTs FROM discord_portals";

    private const string NoteSql = """
        UPDATE discord_portals SET last_message_id = @messageId
        WHERE channel_id = @channelId AND (last_message_id IS NULL OR last_message_id < @messageId)
        """;

    public static HistoryStore Over(DbDataSource dataSource) => new(async ct => await dataSource.OpenConnectionAsync(ct));

    public async Task<IReadOnlyList<PortalProgress>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken);
        return [.. await connection.QueryAsync<PortalProgress>(new CommandDefinition(ListSql, cancellationToken: cancellationToken))];
    }

    /// <summary>Records that <paramref name="messageId"/> of the channel was bridged (unless a newer one was).</summary>
    public async Task NoteBridgedAsync(string channelId, long messageId, CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(NoteSql, new { channelId, messageId }, cancellationToken: cancellationToken));
    }
}
