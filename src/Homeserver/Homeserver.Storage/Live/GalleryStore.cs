using Dapper;
using Homeserver.Services.Live.Gallery;
using Npgsql;

namespace Homeserver.Storage.Live;

/// <summary>
/// The <c>live_gallery_items</c> table (migration 0034): room_id text, stream_ordering bigint, item_index integer,
/// event_id text, kind text, url text; unique (room_id, stream_ordering DESC, item_index), with partial indexes for
/// links and for media.
/// </summary>
public sealed class GalleryStore(NpgsqlDataSource dataSource) : IGalleryStore
{
    private const string InsertSql = """
        INSERT INTO live_gallery_items (room_id, stream_ordering, item_index, event_id, kind, url)
        SELECT * FROM unnest(@roomIds::text[], @positions::bigint[], @indexes::integer[], @eventIds::text[],
                             @kinds::text[], @urls::text[])
        ON CONFLICT DO NOTHING
        """;

    private const string DeleteSql = "DELETE FROM live_gallery_items WHERE event_id = ANY(@eventIds)";

    private const string PageSql = """
        SELECT room_id AS RoomId, stream_ordering AS Position, item_index AS "Index", event_id AS EventId,
               kind AS Kind, url AS Url
        FROM live_gallery_items
        WHERE room_id = @roomId
        """;

    // "stream_ordering <= @position" bounds the index scan; the OR only drops the rows of that event already read.
    private const string AfterSql = """
         AND stream_ordering <= @position AND (stream_ordering < @position OR item_index > @index)
        """;

    private const string OrderSql = " ORDER BY stream_ordering DESC, item_index LIMIT @limit";

    public async Task AddAsync(IReadOnlyList<GalleryRow> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, new
        {
            roomIds = rows.Select(r => r.RoomId).ToArray(),
            positions = rows.Select(r => r.Position).ToArray(),
            indexes = rows.Select(r => r.Index).ToArray(),
            eventIds = rows.Select(r => r.EventId).ToArray(),
            kinds = rows.Select(r => r.Kind).ToArray(),
            urls = rows.Select(r => r.Url).ToArray(),
        }, cancellationToken: cancellationToken));
    }

    public async Task RemoveEventsAsync(IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(eventIds);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(DeleteSql, new { eventIds = eventIds.ToArray() },
            cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<GalleryRow>> ReadAsync(string roomId, GalleryFilter filter,
        GalleryPosition? after, int limit, CancellationToken cancellationToken)
    {
        // The kind conditions are the partial indexes' predicates, so each filter reads its own index.
        var kindCondition = filter switch
        {
            GalleryFilter.Links => " AND kind = 'link'",
            GalleryFilter.Media => " AND kind <> 'link'",
            _ => "",
        };
        var sql = PageSql + kindCondition + (after is null ? "" : AfterSql) + OrderSql;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(sql,
            new { roomId, position = after?.Position ?? 0, index = after?.Index ?? 0, limit },
            cancellationToken: cancellationToken));
        return rows.Select(r => new GalleryRow(r.RoomId, r.Position, r.Index, r.EventId, r.Kind, r.Url)).ToList();
    }

    private sealed class Row
    {
        public string RoomId { get; set; } = "";

        public long Position { get; set; }

        public int Index { get; set; }

        public string EventId { get; set; } = "";

        public string Kind { get; set; } = "";

        public string Url { get; set; } = "";
    }
}
