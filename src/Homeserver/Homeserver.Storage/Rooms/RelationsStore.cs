using Dapper;
using Homeserver.Services.Rooms;
using Npgsql;

namespace Homeserver.Storage.Rooms;

/// <summary>
/// Relations between events (events.relates_to / rel_type of migration 0003; the thread index of 0005). Only
/// events that are part of the room's timeline count: not rejected, outliers, soft-failed or redacted.
/// </summary>
public sealed class RelationsStore(NpgsqlDataSource dataSource) : IRelationsReader
{
    private const string Visible = """
        e.stream_ordering IS NOT NULL AND e.redacted_by IS NULL AND e.rejected_reason IS NULL
        AND NOT e.outlier AND NOT e.soft_failed
        """;

    // Children up to @depth links away, each found once (UNION) so cycles end.
    private const string RelationsSql = """
        WITH RECURSIVE related (event_id, depth) AS (
            SELECT event_id, 1 FROM events WHERE relates_to = @eventId AND room_id = @roomId
            UNION
            SELECT c.event_id, r.depth + 1 FROM events c JOIN related r ON c.relates_to = r.event_id
            WHERE r.depth < @depth AND c.room_id = @roomId
        )
        SELECT e.event_id AS EventId, e.stream_ordering AS StreamOrdering
        FROM events e
        WHERE e.event_id IN (SELECT event_id FROM related) AND
        """ + " " + Visible + " " + """

          AND (@relType::text IS NULL OR e.rel_type = @relType)
          AND (@eventType::text IS NULL OR e.type = @eventType)
          AND NOT (e.sender = ANY(@ignored))
        """;

    // Children are grouped by what decides whether the reader may see them: the state after them (history_visibility
    // and the reader's membership), whether the reader joined after them, and, for state events, the event itself
    // (its replaced state counts too). Every child of a group then shares the verdict on its newest one. Groups after
    // the reader's last join, when no membership change of theirs followed it in this snapshot, are visible as they
    // stand (Covered): members see everything while joined.
    private const string AggregatesSql = """
        WITH own_members AS (
            SELECT stream_ordering, json::jsonb -> 'content' ->> 'membership' AS membership FROM events
            WHERE room_id = @roomId AND type = 'm.room.member' AND state_key = @userId
              AND stream_ordering IS NOT NULL AND rejected_reason IS NULL AND NOT soft_failed
        ),
        last_join AS (
            SELECT coalesce(max(stream_ordering) FILTER (WHERE membership = 'join'), 0) AS at,
                   coalesce((array_agg(membership ORDER BY stream_ordering DESC))[1] = 'join', false) AS joined_now
            FROM own_members
        ),
        children AS (
            SELECT e.relates_to AS parent, e.rel_type, e.event_id, e.sender, e.type, e.state_key,
                   e.stream_ordering, e.origin_server_ts, e.state_group,
                   e.stream_ordering < (SELECT at FROM last_join) AS joined_later,
                   CASE WHEN e.state_key IS NOT NULL THEN e.event_id END AS state_event
            FROM events e
            WHERE e.relates_to = ANY(@ids) AND e.room_id = @roomId
              AND e.rel_type IN ('m.thread', 'm.replace', 'm.reference')
              AND (@upTo::bigint IS NULL OR e.stream_ordering <= @upTo)
              AND (e.state_key IS NOT NULL OR NOT (e.sender = ANY(@ignored))) AND
        """ + " " + Visible + " " + """

        )
        SELECT parent AS ParentId, 'm.thread' AS RelType, count(*) AS Count,
               (array_agg(event_id ORDER BY stream_ordering DESC))[1] AS LatestId,
               bool_or(sender = @userId) AS Participated, ARRAY[]::text[] AS EventIds,
               NOT joined_later AND (SELECT joined_now FROM last_join) AS Covered
        FROM children WHERE rel_type = 'm.thread'
        GROUP BY parent, state_group, joined_later, state_event
        UNION ALL
        -- An edit counts only from the original's sender, with its type, of a non-state event that is no edit itself.
        SELECT c.parent, 'm.replace', count(*),
               (array_agg(c.event_id ORDER BY c.origin_server_ts DESC, c.event_id DESC))[1], false, ARRAY[]::text[],
               NOT c.joined_later AND (SELECT joined_now FROM last_join)
        FROM children c JOIN events o ON o.event_id = c.parent
        WHERE c.rel_type = 'm.replace' AND c.sender = o.sender AND c.type = o.type AND c.state_key IS NULL
          AND o.state_key IS NULL AND o.rel_type IS DISTINCT FROM 'm.replace'
        GROUP BY c.parent, c.state_group, c.joined_later, c.state_event
        UNION ALL
        SELECT parent, 'm.reference', count(*), (array_agg(event_id ORDER BY stream_ordering DESC))[1], false,
               array_agg(event_id ORDER BY stream_ordering), NOT joined_later AND (SELECT joined_now FROM last_join)
        FROM children WHERE rel_type = 'm.reference'
        GROUP BY parent, state_group, joined_later, state_event
        """;

    private const string ParentsWithChildrenSql = """
        SELECT DISTINCT e.relates_to FROM events e
        WHERE e.relates_to = ANY(@ids) AND e.room_id = @roomId
          AND e.rel_type IN ('m.thread', 'm.replace', 'm.reference') AND e.stream_ordering <= @upTo AND
        """ + " " + Visible;

    private const string ThreadsSql = """
        SELECT root.event_id AS RootId, t.latest AS LatestStream
        FROM (SELECT e.relates_to, max(e.stream_ordering) AS latest
              FROM events e
              WHERE e.room_id = @roomId AND e.rel_type = 'm.thread' AND
        """ + " " + Visible + " " + """

              GROUP BY e.relates_to) t
        JOIN events root ON root.event_id = t.relates_to AND root.room_id = @roomId
        WHERE t.latest < @before AND root.redacted_by IS NULL
          AND (@participant::text IS NULL OR root.sender = @participant OR EXISTS (
                SELECT 1 FROM events r WHERE r.relates_to = root.event_id AND r.rel_type = 'm.thread'
                                         AND r.sender = @participant AND r.redacted_by IS NULL))
        ORDER BY t.latest DESC
        LIMIT @limit
        """;

    public async Task<IReadOnlyList<(string EventId, long StreamOrdering)>> GetRelationsAsync(RelationsQuery query,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var sql = RelationsSql + (query.Forwards
            ? " AND e.stream_ordering > @from AND (@to::bigint IS NULL OR e.stream_ordering <= @to) ORDER BY e.stream_ordering ASC LIMIT @limit"
            : " AND e.stream_ordering < @from AND (@to::bigint IS NULL OR e.stream_ordering > @to) ORDER BY e.stream_ordering DESC LIMIT @limit");
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string EventId, long StreamOrdering)>(new CommandDefinition(sql, new
        {
            roomId = query.RoomId, eventId = query.EventId, depth = query.Depth, relType = query.RelType,
            eventType = query.EventType, ignored = query.IgnoredSenders.ToArray(), from = query.From, to = query.To,
            limit = query.Limit,
        }, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    public async Task<IReadOnlyList<RelationAggregate>> GetAggregatesAsync(AggregatesQuery query,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.ParentIds.Count == 0)
        {
            return [];
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<AggregateRow>(new CommandDefinition(AggregatesSql, new
        {
            roomId = query.RoomId, ids = query.ParentIds.ToArray(), userId = query.UserId, upTo = query.UpTo,
            ignored = query.IgnoredSenders.ToArray(),
        }, cancellationToken: cancellationToken));
        return rows.Select(r => new RelationAggregate(r.ParentId, r.RelType, r.Count, r.LatestId, r.Participated,
            r.EventIds, r.Covered)).ToList();
    }

    public async Task<IReadOnlySet<string>> GetParentsWithChildrenAsync(string roomId,
        IReadOnlyCollection<string> parentIds, long upTo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parentIds);
        if (parentIds.Count == 0)
        {
            return new HashSet<string>(StringComparer.Ordinal);
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<string>(new CommandDefinition(ParentsWithChildrenSql,
                new { roomId, ids = parentIds.ToArray(), upTo }, cancellationToken: cancellationToken)))
            .ToHashSet(StringComparer.Ordinal);
    }

    public async Task<IReadOnlyList<(string RootId, long LatestStream)>> GetThreadsAsync(string roomId,
        string? participant, long before, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string RootId, long LatestStream)>(new CommandDefinition(ThreadsSql,
            new { roomId, participant, before, limit }, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    private sealed class AggregateRow
    {
        public string ParentId { get; set; } = "";

        public string RelType { get; set; } = "";

        public long Count { get; set; }

        public string LatestId { get; set; } = "";

        public bool Participated { get; set; }

        public string[] EventIds { get; set; } = [];

        public bool Covered { get; set; }
    }
}
