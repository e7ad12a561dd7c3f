using Dapper;
using Homeserver.Services.Keys;
using Npgsql;

namespace Homeserver.Storage.Keys;

/// <summary>
/// The <c>device_list_changes</c> and <c>device_list_stream</c> tables (migration 0011), and the room sharing read
/// from <c>room_memberships</c> and <c>events</c> (migration 0003).
/// </summary>
public sealed class DeviceListStore(NpgsqlDataSource dataSource) : IDeviceListStore
{
    internal const string PositionSql = "SELECT position FROM device_list_stream";

    // The row lock taken here is held to commit: positions become visible in order.
    private const string AddChangeSql = """
        WITH next AS (UPDATE device_list_stream SET position = position + 1 RETURNING position)
        INSERT INTO device_list_changes (user_id, stream_id)
        SELECT u, (SELECT position FROM next) FROM unnest(@userIds) AS u
        RETURNING stream_id
        """;

    private const string ChangedSql = """
        SELECT DISTINCT user_id FROM device_list_changes
        WHERE user_id = ANY(@userIds) AND stream_id > @since AND stream_id <= @upTo
        """;

    private const string RoomMatesSql = """
        SELECT DISTINCT other.user_id
        FROM room_memberships me JOIN room_memberships other ON other.room_id = me.room_id
        WHERE me.user_id = @userId AND me.membership = 'join' AND other.membership = 'join'
        """;

    private const string MembershipChangesSql = """
        WITH changes AS (
            SELECT e.room_id, e.state_key FROM events e
            JOIN room_memberships mine ON mine.room_id = e.room_id AND mine.user_id = @userId
            WHERE e.type = 'm.room.member' AND e.state_key IS NOT NULL
              AND e.stream_ordering > @since AND e.stream_ordering <= @upTo)
        SELECT state_key FROM changes WHERE state_key <> @userId
        UNION
        SELECT m.user_id FROM room_memberships m
        JOIN changes c ON c.room_id = m.room_id AND c.state_key = @userId
        WHERE m.user_id <> @userId
        """;

    public async Task<long> AddChangeAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<long>(new CommandDefinition(AddChangeSql,
            new { userIds = userIds.Distinct(StringComparer.Ordinal).ToArray() },
            cancellationToken: cancellationToken))).FirstOrDefault();
    }

    public async Task<long> GetPositionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(PositionSql,
            cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<string>> GetChangedAsync(IReadOnlyCollection<string> userIds, long since, long upTo,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        if (userIds.Count == 0 || upTo <= since)
        {
            return [];
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<string>(new CommandDefinition(ChangedSql,
            new { userIds = userIds.ToArray(), since, upTo }, cancellationToken: cancellationToken))).ToList();
    }

    public async Task<IReadOnlySet<string>> GetRoomMatesAsync(string userId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<string>(new CommandDefinition(RoomMatesSql, new { userId },
            cancellationToken: cancellationToken))).ToHashSet(StringComparer.Ordinal);
    }

    public async Task<IReadOnlySet<string>> GetMembershipChangesAsync(string userId, long since, long upTo,
        CancellationToken cancellationToken)
    {
        if (upTo <= since)
        {
            return new HashSet<string>(StringComparer.Ordinal);
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<string>(new CommandDefinition(MembershipChangesSql,
            new { userId, since, upTo }, cancellationToken: cancellationToken))).ToHashSet(StringComparer.Ordinal);
    }
}
