using Dapper;
using Homeserver.Core.Events;
using Homeserver.Services.Streams;
using Npgsql;

namespace Homeserver.Storage.Streams;

/// <summary>Reads the <c>events</c> table (migration 0003) by stream position, for durable consumers.</summary>
public sealed class EventStreamReader(NpgsqlDataSource dataSource) : IEventStreamReader
{
    private const string ReadSql = """
        SELECT e.event_id AS EventId, e.json AS Json, e.stream_ordering AS Position, e.soft_failed AS SoftFailed,
               rm.room_version AS RoomVersion
        FROM events e JOIN rooms rm ON rm.room_id = e.room_id
        WHERE e.stream_ordering > @position
        ORDER BY e.stream_ordering
        LIMIT @limit
        """;

    public async Task<IReadOnlyList<StreamEvent>> ReadAfterAsync(long position, int limit,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(ReadSql, new { position, limit },
            cancellationToken: cancellationToken));
        return rows.Select(row => row.ToStreamEvent()).ToList();
    }

    private sealed class Row
    {
        public string EventId { get; set; } = "";

        public string Json { get; set; } = "";

        public long Position { get; set; }

        public bool SoftFailed { get; set; }

        public string RoomVersion { get; set; } = "";

        public StreamEvent ToStreamEvent()
        {
            var version = RoomVersions.TryGet(RoomVersion, out var v) ? v
                : throw new InvalidOperationException($"unknown room version {RoomVersion}");
            return new StreamEvent(Position, Pdu.FromTrusted(Json, version, EventId), SoftFailed);
        }
    }
}
