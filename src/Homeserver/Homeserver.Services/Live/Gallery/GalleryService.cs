using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Services.Accounts;
using Homeserver.Services.Rooms;

namespace Homeserver.Services.Live.Gallery;

/// <summary>
/// A page of a room's links and media gallery (docs/LIVE.md), newest first. The requester must be able to read the
/// room as for /messages, and each entry's event passes the same history visibility filter (ignored senders
/// included); redacted events drop out, whether or not the index has caught up with the redaction yet.
/// </summary>
public sealed class GalleryService(IGalleryStore store, IRoomEventReader reader, RoomAccess access)
{
    public const int DefaultLimit = 30;
    public const int MaxLimit = 100;

    // A page stops after this many reads of the index even when few entries were visible; next_batch goes on from there.
    private const int MaxBatches = 10;

    /// <summary>GET /rooms/{roomId}/gallery.</summary>
    public async Task<JsonObject> GetPageAsync(Requester requester, string roomId, string? kind, string? from,
        int limit, CancellationToken cancellationToken)
    {
        var filter = ParseFilter(kind);
        GalleryPosition? position = from is null ? null : GalleryToken.Parse(from);
        limit = Math.Clamp(limit, 1, MaxLimit);
        var room = await access.RequireReaderAsync(requester, roomId, cancellationToken);

        var chunk = new JsonArray();
        var size = limit + 1;
        for (var batch = 0; batch < MaxBatches; batch++)
        {
            var rows = await store.ReadAsync(roomId, filter, position, size, cancellationToken);
            var exhausted = rows.Count < size;
            var events = await VisibleEventsAsync(room, rows, cancellationToken);
            for (var i = 0; i < rows.Count; i++)
            {
                position = rows[i].Key;
                if (events.TryGetValue(rows[i].EventId, out var stored))
                {
                    chunk.Add(Entry(rows[i], stored));
                    if (chunk.Count == limit)
                    {
                        return Page(chunk, !exhausted || i < rows.Count - 1 ? position : null);
                    }
                }
            }

            if (exhausted)
            {
                return Page(chunk, null);
            }
        }

        return Page(chunk, position);
    }

    public static GalleryFilter ParseFilter(string? kind) => kind switch
    {
        null or "all" => GalleryFilter.All,
        "links" => GalleryFilter.Links,
        "media" => GalleryFilter.Media,
        _ => throw new MatrixException(ErrorCode.InvalidParam, "kind must be all, links or media"),
    };

    /// <summary>The rows' events the reader may see whole (not redacted, not pruned), by event ID.</summary>
    private async Task<Dictionary<string, StoredEvent>> VisibleEventsAsync(RoomReader room,
        IReadOnlyList<GalleryRow> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return new Dictionary<string, StoredEvent>(StringComparer.Ordinal);
        }

        var ids = rows.Select(r => r.EventId).ToHashSet(StringComparer.Ordinal);
        var candidates = (await reader.GetEventsAsync(ids, cancellationToken))
            .Where(e => e.RedactedBecause is null && e.Pdu.RoomId == room.RoomId)
            .OrderByDescending(e => e.StreamOrdering).ToList();
        // An erased sender's event comes back pruned to readers who were not joined then: like a redacted one, it
        // has no entry (the row's URL is its content).
        return (await access.FilterVisibleAsync(room, candidates, cancellationToken))
            .Where(e => !e.PrunedForErasedSender)
            .ToDictionary(e => e.Pdu.EventId, StringComparer.Ordinal);
    }

    private static JsonObject Entry(GalleryRow row, StoredEvent stored)
    {
        var pdu = stored.Pdu;
        var entry = new JsonObject
        {
            ["event_id"] = pdu.EventId,
            ["sender"] = pdu.Sender,
            ["origin_server_ts"] = pdu.OriginServerTs,
            ["kind"] = row.Kind,
            ["url"] = row.Url,
        };
        var content = pdu.Content;
        if (content.TryGetProperty("body", out var body) && body.ValueKind == JsonValueKind.String)
        {
            entry["body"] = body.GetString();
        }

        if (row.Kind != GalleryKinds.Link && content.TryGetProperty("info", out var info) &&
            info.ValueKind == JsonValueKind.Object)
        {
            if (info.TryGetProperty("mimetype", out var mimetype) && mimetype.ValueKind == JsonValueKind.String)
            {
                entry["mimetype"] = mimetype.GetString();
            }

            entry["info"] = JsonNode.Parse(info.GetRawText());
        }

        return entry;
    }

    private static JsonObject Page(JsonArray chunk, GalleryPosition? next)
    {
        var page = new JsonObject { ["chunk"] = chunk };
        if (next is { } position)
        {
            page["next_batch"] = GalleryToken.Format(position);
        }

        return page;
    }
}
