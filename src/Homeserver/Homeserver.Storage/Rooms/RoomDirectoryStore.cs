using Dapper;
using Homeserver.Services.Rooms.Directory;
using Npgsql;

namespace Homeserver.Storage.Rooms;

/// <summary>
/// The published directory (<c>rooms.is_public</c>, migration 0003) and room summaries read from the current state
/// (<c>current_state</c>, <c>events</c>, <c>room_memberships</c>). Content of redacted state is ignored, except the
/// keys redaction keeps (join_rule, history_visibility).
/// </summary>
public sealed class RoomDirectoryStore(NpgsqlDataSource dataSource) : IRoomDirectoryStore
{
    // One row per room: its summary fields pivoted out of its current state.
    private const string SummariesSql = """
        SELECT r.room_id AS RoomId, r.room_version AS RoomVersion, r.is_public AS IsPublic,
               (SELECT count(*) FROM room_memberships m WHERE m.room_id = r.room_id AND m.membership = 'join') AS JoinedMembers,
               s.*
        FROM rooms r
        CROSS JOIN LATERAL (
            SELECT max(x.c ->> 'name') FILTER (WHERE x.type = 'm.room.name' AND jsonb_typeof(x.c -> 'name') = 'string') AS Name,
                   max(x.c ->> 'topic') FILTER (WHERE x.type = 'm.room.topic' AND jsonb_typeof(x.c -> 'topic') = 'string') AS Topic,
                   max(x.c ->> 'alias') FILTER (WHERE x.type = 'm.room.canonical_alias' AND jsonb_typeof(x.c -> 'alias') = 'string') AS CanonicalAlias,
                   max(x.c ->> 'url') FILTER (WHERE x.type = 'm.room.avatar' AND jsonb_typeof(x.c -> 'url') = 'string') AS AvatarUrl,
                   max(x.c ->> 'join_rule') FILTER (WHERE x.type = 'm.room.join_rules' AND jsonb_typeof(x.c -> 'join_rule') = 'string') AS JoinRule,
                   max(x.c ->> 'history_visibility') FILTER (WHERE x.type = 'm.room.history_visibility' AND jsonb_typeof(x.c -> 'history_visibility') = 'string') AS HistoryVisibility,
                   max(x.c ->> 'guest_access') FILTER (WHERE x.type = 'm.room.guest_access' AND jsonb_typeof(x.c -> 'guest_access') = 'string') AS GuestAccess,
                   max(x.c ->> 'type') FILTER (WHERE x.type = 'm.room.create' AND jsonb_typeof(x.c -> 'type') = 'string') AS RoomType,
                   max(x.c ->> 'algorithm') FILTER (WHERE x.type = 'm.room.encryption' AND jsonb_typeof(x.c -> 'algorithm') = 'string') AS Encryption
            FROM (
                SELECT cs.type,
                       CASE WHEN e.redacted_by IS NULL OR cs.type IN ('m.room.join_rules', 'm.room.history_visibility')
                            THEN e.json::jsonb -> 'content' END AS c
                FROM current_state cs JOIN events e ON e.event_id = cs.event_id
                WHERE cs.room_id = r.room_id AND cs.state_key = ''
                  AND cs.type IN ('m.room.name', 'm.room.topic', 'm.room.canonical_alias', 'm.room.avatar',
                                  'm.room.join_rules', 'm.room.history_visibility', 'm.room.guest_access',
                                  'm.room.create', 'm.room.encryption')
            ) x
        ) s
        """;

    // The published rooms matching the search term and room types.
    private const string FilteredSql = $"""
        WITH filtered AS (
            SELECT * FROM ({SummariesSql} WHERE r.is_public) p
            WHERE (@pattern::text IS NULL OR p.Name ILIKE @pattern OR p.Topic ILIKE @pattern OR p.CanonicalAlias ILIKE @pattern)
              AND (@anyType OR (@untyped AND p.RoomType IS NULL) OR p.RoomType = ANY(@types))
        )
        """;

    private const string After = """(JoinedMembers < @joined OR (JoinedMembers = @joined AND RoomId COLLATE "C" > @roomId))""";
    private const string Before = """(JoinedMembers > @joined OR (JoinedMembers = @joined AND RoomId COLLATE "C" < @roomId))""";
    private const string Forwards = """ORDER BY JoinedMembers DESC, RoomId COLLATE "C" ASC""";
    private const string Backwards = """ORDER BY JoinedMembers ASC, RoomId COLLATE "C" DESC""";

    public async Task<bool?> IsPublicAsync(string roomId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<bool?>(new CommandDefinition(
            "SELECT is_public FROM rooms WHERE room_id = @roomId", new { roomId }, cancellationToken: cancellationToken));
    }

    public async Task SetPublicAsync(string roomId, bool isPublic, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE rooms SET is_public = @isPublic WHERE room_id = @roomId", new { roomId, isPublic },
            cancellationToken: cancellationToken));
    }

    public async Task<PublicRoomsPage> GetPublicRoomsAsync(PublicRoomsQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var types = query.RoomTypes is { Count: > 0 } ? query.RoomTypes : null;
        var filter = new
        {
            pattern = query.SearchTerm is null ? null : "%" + EscapeLike(query.SearchTerm) + "%",
            anyType = types is null,
            untyped = types?.Contains(null) ?? false,
            types = types?.OfType<string>().ToArray() ?? [],
        };

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var backwards = query.Before is not null;
        var from = query.After ?? query.Before;
        var sql = FilteredSql + "SELECT * FROM filtered" +
                  (from is null ? "" : " WHERE " + (backwards ? Before : After)) +
                  " " + (backwards ? Backwards : Forwards) + " LIMIT @take";
        var parameters = new DynamicParameters(filter);
        parameters.Add("joined", from?.JoinedMembers ?? 0);
        parameters.Add("roomId", from?.RoomId ?? "");
        parameters.Add("take", query.Limit + 1);
        var rows = (await connection.QueryAsync<SummaryRow>(new CommandDefinition(sql, parameters,
            cancellationToken: cancellationToken))).Select(r => r.ToSummary()).ToList();
        var more = rows.Count > query.Limit;
        if (more)
        {
            rows.RemoveAt(rows.Count - 1);
        }

        if (backwards)
        {
            rows.Reverse();
        }

        // Whether rooms lie on the other side of the page from the direction it was read in.
        var otherSide = false;
        if (rows.Count > 0 && from is not null)
        {
            var edge = backwards ? rows[^1] : rows[0];
            var check = new DynamicParameters(filter);
            check.Add("joined", edge.JoinedMembers);
            check.Add("roomId", edge.RoomId);
            otherSide = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                FilteredSql + "SELECT EXISTS (SELECT 1 FROM filtered WHERE " + (backwards ? After : Before) + ")", check,
                cancellationToken: cancellationToken));
        }

        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            FilteredSql + "SELECT count(*) FROM filtered", filter, cancellationToken: cancellationToken));
        return backwards
            ? new PublicRoomsPage(rows, MoreBefore: more, MoreAfter: otherSide, total)
            : new PublicRoomsPage(rows, MoreBefore: otherSide, MoreAfter: more, total);
    }

    public async Task<IReadOnlyList<RoomSummary>> GetSummariesAsync(IReadOnlyCollection<string> roomIds,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<SummaryRow>(new CommandDefinition(
                SummariesSql + " WHERE r.room_id = ANY(@ids)", new { ids = roomIds.ToArray() },
                cancellationToken: cancellationToken)))
            .Select(r => r.ToSummary()).ToList();
    }

    private static string EscapeLike(string term) =>
        term.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal)
            .Replace("_", @"\_", StringComparison.Ordinal);

    private sealed class SummaryRow
    {
        public string RoomId { get; set; } = "";

        public string RoomVersion { get; set; } = "";

        public bool IsPublic { get; set; }

        public long JoinedMembers { get; set; }

        public string? Name { get; set; }

        public string? Topic { get; set; }

        public string? CanonicalAlias { get; set; }

        public string? AvatarUrl { get; set; }

        public string? JoinRule { get; set; }

        public string? HistoryVisibility { get; set; }

        public string? GuestAccess { get; set; }

        public string? RoomType { get; set; }

        public string? Encryption { get; set; }

        public RoomSummary ToSummary() => new(RoomId, RoomVersion, JoinedMembers, Name, Topic, CanonicalAlias, AvatarUrl,
            JoinRule, HistoryVisibility, GuestAccess, RoomType, Encryption);
    }
}
