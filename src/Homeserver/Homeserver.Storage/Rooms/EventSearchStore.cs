using Dapper;
using Homeserver.Services.Rooms;
using Npgsql;

namespace Homeserver.Storage.Rooms;

/// <summary>
/// Full-text search of room events with Postgres (the events_search GIN index of migration 0005, over content.body,
/// content.name and content.topic together; a search over fewer keys rechecks those keys on the matches).
/// </summary>
public sealed class EventSearchStore(NpgsqlDataSource dataSource) : IEventSearch
{
    // Must stay the exact expression of the index, or the index is not used.
    private const string Vector = """
        to_tsvector('english',
            coalesce((e.json::jsonb) -> 'content' ->> 'body', '') || ' ' ||
            coalesce((e.json::jsonb) -> 'content' ->> 'name', '') || ' ' ||
            coalesce((e.json::jsonb) -> 'content' ->> 'topic', ''))
        """;

    private const string SearchSql = """
        SELECT e.event_id AS EventId, ts_rank(
        """ + " " + Vector + " " + """
        , websearch_to_tsquery('english', @term))::float8 AS Rank,
               e.stream_ordering AS StreamOrdering, count(*) OVER () AS Total
        FROM events e
        WHERE e.room_id = ANY(@rooms) AND
        """ + " " + Vector + " " + """
         @@ websearch_to_tsquery('english', @term)
          AND e.stream_ordering IS NOT NULL AND e.redacted_by IS NULL AND e.rejected_reason IS NULL
          AND NOT e.outlier AND NOT e.soft_failed
        """;

    private static readonly string[] AllKeys = ["content.body", "content.name", "content.topic"];

    public async Task<SearchPage> SearchAsync(SearchQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var sql = SearchSql;
        if (!AllKeys.All(query.Keys.Contains))
        {
            // Keys come from a fixed list (never from the request text), so they can be written into the SQL.
            var checks = query.Keys.Select(k =>
                $"to_tsvector('english', coalesce((e.json::jsonb) -> 'content' ->> '{AllKeys.Single(a => a == k)[8..]}', '')) @@ websearch_to_tsquery('english', @term)");
            sql += " AND (" + string.Join(" OR ", checks) + ")";
        }

        sql += query.ByRank
            ? " ORDER BY Rank DESC, e.stream_ordering DESC OFFSET @offset LIMIT @limit"
            : (query.Before is null ? "" : " AND e.stream_ordering < @before") +
              " ORDER BY e.stream_ordering DESC LIMIT @limit";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition(sql, new
        {
            rooms = query.RoomIds.ToArray(), term = query.Term, offset = query.Offset, limit = query.Limit,
            before = query.Before,
        }, cancellationToken: cancellationToken))).ToList();
        return new SearchPage(rows.Select(r => new SearchHit(r.EventId, r.Rank, r.StreamOrdering)).ToList(),
            rows.Count == 0 ? 0 : rows[0].Total);
    }

    private sealed class Row
    {
        public string EventId { get; set; } = "";

        public double Rank { get; set; }

        public long StreamOrdering { get; set; }

        public long Total { get; set; }
    }
}
