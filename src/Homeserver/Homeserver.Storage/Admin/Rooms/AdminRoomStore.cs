using Dapper;
using Homeserver.Services.Admin.Rooms;
using Npgsql;

namespace Homeserver.Storage.Admin.Rooms;

/// <summary>
/// The rooms admin API's reads: each room's stats (Synapse keeps them in <c>room_stats_*</c> tables; here they are
/// computed from <c>current_state</c> and <c>room_memberships</c> when asked, which an admin listing can afford), its
/// members, devices and forward extremities.
/// </summary>
public sealed class AdminRoomStore(NpgsqlDataSource dataSource) : IAdminRoomStore
{
    // Rooms with a head here (not those known only out of band), with the fields of Synapse's room list.
    private const string StatsSql = """
        WITH stats AS (
            SELECT r.room_id, r.room_version AS version, r.creator, r.is_public AS public,
                   s.name, s.topic, s.avatar, s.canonical_alias, s.encryption, coalesce(s.federatable, true) AS federatable,
                   s.join_rules, s.guest_access, s.history_visibility, s.room_type,
                   coalesce(c.state_events, 0) AS state_events, coalesce(m.joined, 0) AS joined_members,
                   coalesce(m.local, 0) AS joined_local_members
            FROM rooms r
            LEFT JOIN LATERAL (
                SELECT max(x.j -> 'content' ->> 'name') FILTER (WHERE cs.type = 'm.room.name') AS name,
                       max(x.j -> 'content' ->> 'topic') FILTER (WHERE cs.type = 'm.room.topic') AS topic,
                       max(x.j -> 'content' ->> 'url') FILTER (WHERE cs.type = 'm.room.avatar') AS avatar,
                       max(x.j -> 'content' ->> 'alias') FILTER (WHERE cs.type = 'm.room.canonical_alias') AS canonical_alias,
                       max(x.j -> 'content' ->> 'algorithm') FILTER (WHERE cs.type = 'm.room.encryption') AS encryption,
                       bool_and(coalesce(x.j -> 'content' ->> 'm.federate', 'true') <> 'false')
                           FILTER (WHERE cs.type = 'm.room.create') AS federatable,
                       max(x.j -> 'content' ->> 'type') FILTER (WHERE cs.type = 'm.room.create') AS room_type,
                       max(x.j -> 'content' ->> 'join_rule') FILTER (WHERE cs.type = 'm.room.join_rules') AS join_rules,
                       max(x.j -> 'content' ->> 'guest_access') FILTER (WHERE cs.type = 'm.room.guest_access') AS guest_access,
                       max(x.j -> 'content' ->> 'history_visibility')
                           FILTER (WHERE cs.type = 'm.room.history_visibility') AS history_visibility
                FROM current_state cs
                JOIN events e ON e.event_id = cs.event_id
                CROSS JOIN LATERAL (SELECT e.json::jsonb AS j) x
                WHERE cs.room_id = r.room_id AND cs.state_key = '' AND cs.type IN ('m.room.name', 'm.room.topic',
                      'm.room.avatar', 'm.room.canonical_alias', 'm.room.encryption', 'm.room.create',
                      'm.room.join_rules', 'm.room.guest_access', 'm.room.history_visibility')
            ) s ON true
            LEFT JOIN LATERAL (SELECT count(*) AS state_events FROM current_state WHERE room_id = r.room_id) c ON true
            LEFT JOIN LATERAL (
                SELECT count(*) AS joined,
                       count(*) FILTER (WHERE substring(user_id FROM position(':' IN user_id) + 1) = @serverName) AS local
                FROM room_memberships WHERE room_id = r.room_id AND membership = 'join'
            ) m ON true
            WHERE NOT r.out_of_band AND r.current_state_group IS NOT NULL
        )
        """;

    private const string Columns = """
        room_id AS RoomId, name AS Name, topic AS Topic, avatar AS Avatar, canonical_alias AS CanonicalAlias,
        joined_members AS JoinedMembers, joined_local_members AS JoinedLocalMembers, version AS Version,
        creator AS Creator, encryption AS Encryption, federatable AS Federatable, public AS Public,
        join_rules AS JoinRules, guest_access AS GuestAccess, history_visibility AS HistoryVisibility,
        state_events AS StateEvents, room_type AS RoomType
        """;

    // As Synapse: the name or canonical alias contains the term (case-insensitively), or it is the room ID.
    private const string FilterSql = """
        WHERE (@search::text IS NULL OR lower(name) LIKE @nameLike OR lower(canonical_alias) LIKE @aliasLike
               OR room_id = @search)
          AND (@publicRooms::boolean IS NULL OR public = @publicRooms)
          AND (@emptyRooms::boolean IS NULL OR (joined_members = 0) = @emptyRooms)
        """;

    public async Task<(IReadOnlyList<AdminRoomSummary> Rooms, long Total)> ListAsync(AdminRoomQuery query,
        string serverName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (column, ascending) = AdminRoomOrder.Of(query.OrderBy);
        var direction = ascending != query.Backwards ? "ASC" : "DESC";
        var term = query.SearchTerm?.ToLowerInvariant();
        var parameters = new
        {
            serverName, search = query.SearchTerm, nameLike = $"%{term}%", aliasLike = $"#%{term}%:%",
            publicRooms = query.PublicRooms, emptyRooms = query.EmptyRooms, limit = query.Limit, from = query.From,
        };
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<AdminRoomSummary>(new CommandDefinition(
            $"{StatsSql} SELECT {Columns} FROM stats {FilterSql} ORDER BY {column} {direction}, room_id {direction} " +
            "LIMIT @limit OFFSET @from", parameters, cancellationToken: cancellationToken));
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"{StatsSql} SELECT count(*) FROM stats {FilterSql}", parameters, cancellationToken: cancellationToken));
        return (rows.AsList(), total);
    }

    public async Task<AdminRoomSummary?> GetAsync(string roomId, string serverName, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<AdminRoomSummary>(new CommandDefinition(
            $"{StatsSql} SELECT {Columns} FROM stats WHERE room_id = @roomId", new { roomId, serverName },
            cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<string>> GetJoinedMembersAsync(string roomId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT user_id FROM room_memberships WHERE room_id = @roomId AND membership = 'join' ORDER BY user_id",
            new { roomId }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task<long> CountDevicesAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM devices WHERE user_id = ANY(@users)", new { users = userIds.ToArray() },
            cancellationToken: cancellationToken));
    }

    public async Task<bool> IsForgottenAsync(string roomId, string serverName, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition("""
            SELECT coalesce(bool_and(forgotten), false) FROM room_memberships
            WHERE room_id = @roomId AND substring(user_id FROM position(':' IN user_id) + 1) = @serverName
            """, new { roomId, serverName }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<AdminForwardExtremity>> GetForwardExtremitiesAsync(string roomId,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<AdminForwardExtremity>(new CommandDefinition("""
            SELECT f.event_id AS EventId, e.state_group AS StateGroup, coalesce(e.depth, 0) AS Depth,
                   coalesce(e.origin_server_ts, 0) AS ReceivedTs
            FROM forward_extremities f LEFT JOIN events e ON e.event_id = f.event_id
            WHERE f.room_id = @roomId ORDER BY e.stream_ordering NULLS FIRST, f.event_id
            """, new { roomId }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task<int> DeleteForwardExtremitiesAsync(string roomId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition("""
            DELETE FROM forward_extremities f
            WHERE f.room_id = @roomId AND f.event_id <> (
                SELECT f2.event_id FROM forward_extremities f2 JOIN events e ON e.event_id = f2.event_id
                WHERE f2.room_id = @roomId ORDER BY e.stream_ordering DESC NULLS LAST LIMIT 1)
            """, new { roomId }, cancellationToken: cancellationToken));
    }
}
