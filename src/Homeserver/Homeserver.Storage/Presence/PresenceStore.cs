using Dapper;
using Homeserver.Services.Presence;
using Npgsql;

namespace Homeserver.Storage.Presence;

/// <summary>The <c>presence</c> table (migration 0009).</summary>
public sealed class PresenceStore(NpgsqlDataSource dataSource) : IPresenceStore
{
    /// <summary>Held from taking a position to commit, so positions become visible in order ("HSPRESEN").</summary>
    public const long StreamLockKey = 0x4853505245534E;

    internal const string StreamSql = "SELECT coalesce(max(stream_id), 0) FROM presence";

    private const string Columns = """
        user_id AS UserId, presence AS Presence, status_msg AS StatusMsg, last_active_ts AS LastActiveTs,
        currently_active AS CurrentlyActive, stream_id AS StreamId
        """;

    private const string UpsertSql = """
        INSERT INTO presence (user_id, presence, status_msg, last_active_ts, currently_active, stream_id)
        VALUES (@UserId, @Presence, @StatusMsg, @LastActiveTs, @CurrentlyActive, nextval('presence_stream_seq'))
        ON CONFLICT (user_id) DO UPDATE SET presence = excluded.presence, status_msg = excluded.status_msg,
            last_active_ts = excluded.last_active_ts, currently_active = excluded.currently_active,
            stream_id = excluded.stream_id
        RETURNING stream_id
        """;

    // The viewer and everyone joined to a room the viewer is joined to.
    private const string ChangesSql = $"""
        SELECT {Columns} FROM presence p
        WHERE p.stream_id > @since AND p.stream_id <= @upTo
          AND (p.user_id = @viewer OR EXISTS (
              SELECT 1 FROM room_memberships mine
              JOIN room_memberships theirs ON theirs.room_id = mine.room_id
              WHERE mine.user_id = @viewer AND mine.membership = 'join'
                AND theirs.user_id = p.user_id AND theirs.membership = 'join'))
        ORDER BY p.stream_id
        """;

    private const string ShareRoomSql = """
        SELECT EXISTS (
            SELECT 1 FROM room_memberships a JOIN room_memberships b ON b.room_id = a.room_id
            WHERE a.user_id = @userId AND a.membership = 'join' AND b.user_id = @otherUserId AND b.membership = 'join')
        """;

    public async Task<PresenceState?> GetAsync(string userId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<PresenceState>(new CommandDefinition(
            $"SELECT {Columns} FROM presence WHERE user_id = @userId", new { userId },
            cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<PresenceState>> GetNotOfflineAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<PresenceState>(new CommandDefinition(
            $"SELECT {Columns} FROM presence WHERE presence <> 'offline'", cancellationToken: cancellationToken)))
            .ToList();
    }

    public async Task<PresenceState> SaveAsync(PresenceState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state with
        {
            StreamId = await OrderedStreamWrite.WriteAsync(dataSource, StreamLockKey, UpsertSql, state, cancellationToken),
        };
    }

    public async Task TouchAsync(string userId, long lastActiveTs, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE presence SET last_active_ts = greatest(last_active_ts, @lastActiveTs) WHERE user_id = @userId",
            new { userId, lastActiveTs }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<PresenceState>> GetChangesAsync(string viewer, long since, long upTo,
        CancellationToken cancellationToken)
    {
        if (since >= upTo)
        {
            return [];
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<PresenceState>(new CommandDefinition(ChangesSql,
            new { viewer, since, upTo }, cancellationToken: cancellationToken))).ToList();
    }

    public async Task<bool> ShareRoomAsync(string userId, string otherUserId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(ShareRoomSql,
            new { userId, otherUserId }, cancellationToken: cancellationToken));
    }
}
