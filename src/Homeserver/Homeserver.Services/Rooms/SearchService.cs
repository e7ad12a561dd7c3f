using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Services.Accounts;

namespace Homeserver.Services.Rooms;

/// <summary>
/// POST /search, room_events category: full-text search in the rooms the user is joined to, ordered by rank or
/// recency, with next_batch pagination ("r" + offset for rank, "s" + stream position for recent) and context.
/// </summary>
public sealed class SearchService(IEventSearch search, IRoomEventReader reader, RoomAccess access)
{
    public const int DefaultLimit = 10;
    public const int MaxLimit = 100;
    public const int DefaultContext = 5;
    public const int MaxContext = 100;
    private static readonly string[] AllKeys = ["content.body", "content.name", "content.topic"];

    public async Task<JsonObject> SearchAsync(Requester requester, JsonElement body, string? nextBatch,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        if (!body.TryGetProperty("search_categories", out var categories) || categories.ValueKind != JsonValueKind.Object)
        {
            throw new MatrixException(ErrorCode.BadJson, "search_categories is required");
        }

        var result = new JsonObject();
        if (categories.TryGetProperty("room_events", out var criteria) && criteria.ValueKind == JsonValueKind.Object)
        {
            result["room_events"] = await RoomEventsAsync(requester, criteria, nextBatch, cancellationToken);
        }

        return new JsonObject { ["search_categories"] = result };
    }

    private async Task<JsonObject> RoomEventsAsync(Requester requester, JsonElement criteria, string? nextBatch,
        CancellationToken cancellationToken)
    {
        var term = criteria.TryGetProperty("search_term", out var t) && t.ValueKind == JsonValueKind.String
            ? t.GetString()!
            : throw new MatrixException(ErrorCode.BadJson, "search_term is required and must be a string");
        var keys = Strings(criteria, "keys") ?? [.. AllKeys];
        if (keys.Count == 0 || keys.Any(k => !AllKeys.Contains(k)))
        {
            throw new MatrixException(ErrorCode.InvalidParam, "keys must be content.body, content.name or content.topic");
        }

        var byRank = (criteria.TryGetProperty("order_by", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString() : "rank") switch
        {
            "rank" => true,
            "recent" => false,
            _ => throw new MatrixException(ErrorCode.InvalidParam, "order_by must be rank or recent"),
        };
        var filter = criteria.TryGetProperty("filter", out var f) && f.ValueKind == JsonValueKind.Object ? f : default;
        var limit = filter.ValueKind == JsonValueKind.Object && filter.TryGetProperty("limit", out var l) &&
                    l.ValueKind != JsonValueKind.Null
            ? Math.Clamp(Integer(l, "filter.limit"), 1, MaxLimit)
            : DefaultLimit;
        var rooms = (await reader.GetJoinedRoomsAsync(requester.UserId.Value, cancellationToken)).ToList();
        if (filter.ValueKind == JsonValueKind.Object)
        {
            if (Strings(filter, "rooms") is { } only)
            {
                rooms = rooms.Where(only.Contains).ToList();
            }

            if (Strings(filter, "not_rooms") is { } excluded)
            {
                rooms = rooms.Where(r => !excluded.Contains(r)).ToList();
            }
        }

        var (offset, before) = ParseBatch(nextBatch, byRank);
        var page = await search.SearchAsync(new SearchQuery(rooms, term, keys, byRank, before, offset, limit),
            cancellationToken);
        var events = (await reader.GetEventsAsync(page.Hits.Select(h => h.EventId).ToList(), cancellationToken))
            .ToDictionary(e => e.Pdu.EventId, StringComparer.Ordinal);
        var (readers, visible) = await VisibleAsync(requester, events.Values.ToList(), cancellationToken);
        var hits = page.Hits.Where(h => visible.ContainsKey(h.EventId)).ToList();
        var formatted = await FormatByRoomAsync(hits.Select(h => visible[h.EventId]).ToList(), readers, requester,
            cancellationToken);
        var context = criteria.TryGetProperty("event_context", out var c) && c.ValueKind == JsonValueKind.Object ? c : default;
        var results = new JsonArray();
        foreach (var hit in hits)
        {
            var item = new JsonObject { ["rank"] = hit.Rank, ["result"] = formatted[hit.EventId] };
            if (context.ValueKind == JsonValueKind.Object)
            {
                var found = visible[hit.EventId];
                item["context"] = await ContextAsync(requester, readers[found.Pdu.RoomId], found, context,
                    cancellationToken);
            }

            results.Add(item);
        }

        var response = new JsonObject
        {
            ["count"] = page.Count,
            ["highlights"] = new JsonArray(Highlights(term).Select(w => (JsonNode?)w).ToArray()),
            ["results"] = results,
        };
        if (page.Hits.Count == limit)
        {
            response["next_batch"] = byRank
                ? "r" + (offset + limit).ToString(CultureInfo.InvariantCulture)
                : StreamToken.Format(page.Hits[^1].StreamOrdering);
        }

        return response;
    }

    // Search is a read path like any other: a hit is shown only if history visibility lets the user see it. A hit the
    // filter prunes (an erased sender's, for a reader who was not joined then) is left out: it matched on the content
    // the reader may no longer see.
    private async Task<(Dictionary<string, RoomReader> Readers, Dictionary<string, StoredEvent> Visible)> VisibleAsync(
        Requester requester, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        var readers = new Dictionary<string, RoomReader>(StringComparer.Ordinal);
        var visible = new Dictionary<string, StoredEvent>(StringComparer.Ordinal);
        foreach (var inRoom in events.GroupBy(e => e.Pdu.RoomId, StringComparer.Ordinal))
        {
            var room = readers[inRoom.Key] = await access.RequireReaderAsync(requester, inRoom.Key, cancellationToken);
            foreach (var shown in await access.FilterVisibleAsync(room, inRoom.ToList(), cancellationToken))
            {
                if (!shown.PrunedForErasedSender)
                {
                    visible[shown.Pdu.EventId] = shown;
                }
            }
        }

        return (readers, visible);
    }

    // Bundled aggregations are made for each room's reader: one formatting call per room of the page.
    private async Task<Dictionary<string, JsonNode?>> FormatByRoomAsync(IReadOnlyList<StoredEvent> events,
        Dictionary<string, RoomReader> readers, Requester requester, CancellationToken cancellationToken)
    {
        var formatted = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var inRoom in events.GroupBy(e => e.Pdu.RoomId, StringComparer.Ordinal))
        {
            var list = inRoom.ToList();
            var array = await access.FormatAsync(list, readers[inRoom.Key], requester, cancellationToken);
            for (var i = 0; i < list.Count; i++)
            {
                formatted[list[i].Pdu.EventId] = array[i]!.DeepClone();
            }
        }

        return formatted;
    }

    private async Task<JsonObject> ContextAsync(Requester requester, RoomReader room, StoredEvent hit,
        JsonElement options, CancellationToken cancellationToken)
    {
        static int Limit(JsonElement options, string name) =>
            options.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null
                ? Math.Clamp(Integer(v, "event_context." + name), 0, MaxContext)
                : DefaultContext;

        var position = hit.StreamOrdering!.Value;
        var beforeLimit = Limit(options, "before_limit");
        var afterLimit = Limit(options, "after_limit");
        var before = beforeLimit == 0 ? [] : await reader.GetRoomEventsAsync(hit.Pdu.RoomId, position, false, beforeLimit, cancellationToken);
        var after = afterLimit == 0 ? [] : await reader.GetRoomEventsAsync(hit.Pdu.RoomId, position, true, afterLimit, cancellationToken);
        before = await access.FilterVisibleAsync(room, before, cancellationToken);
        after = await access.FilterVisibleAsync(room, after, cancellationToken);
        var context = new JsonObject
        {
            ["events_before"] = await access.FormatAsync(before, room, requester, cancellationToken),
            ["events_after"] = await access.FormatAsync(after, room, requester, cancellationToken),
            ["start"] = StreamToken.Format(before.Count > 0 ? before[^1].StreamOrdering!.Value : position),
            ["end"] = StreamToken.Format(after.Count > 0 ? after[^1].StreamOrdering!.Value : position),
        };
        if (options.TryGetProperty("include_profile", out var p) && p.ValueKind == JsonValueKind.True)
        {
            var senders = before.Concat(after).Append(hit).Select(e => e.Pdu.Sender).ToHashSet(StringComparer.Ordinal);
            var profiles = new JsonObject();
            foreach (var member in (await reader.GetCurrentStateAsync(hit.Pdu.RoomId, cancellationToken))
                     .Where(s => s.Pdu.Type == EventTypes.Member && senders.Contains(s.Pdu.StateKey!)))
            {
                profiles[member.Pdu.StateKey!] = JsonFields.StringsWithoutNulls(
                    ("displayname", member.Pdu.ContentString("displayname")),
                    ("avatar_url", member.Pdu.ContentString("avatar_url")));
            }

            context["profile_info"] = profiles;
        }

        return context;
    }

    private static (int Offset, long? Before) ParseBatch(string? nextBatch, bool byRank)
    {
        if (nextBatch is null)
        {
            return (0, null);
        }

        if (byRank)
        {
            return nextBatch.StartsWith('r') && int.TryParse(nextBatch.AsSpan(1), NumberStyles.None,
                CultureInfo.InvariantCulture, out var offset)
                ? (offset, null)
                : throw new MatrixException(ErrorCode.InvalidParam, "Invalid next_batch");
        }

        return (0, StreamToken.Parse(nextBatch));
    }

    private static int Integer(JsonElement value, string name) =>
        value.ValueKind != JsonValueKind.Number
            ? throw new MatrixException(ErrorCode.BadJson, $"'{name}' must be an integer")
            : value.TryGetInt32(out var number) ? number
            : value.TryGetInt64(out var large) ? (large < 0 ? int.MinValue : int.MaxValue)
            : throw new MatrixException(ErrorCode.BadJson, $"'{name}' must be an integer");

    private static List<string>? Strings(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return list.ValueKind == JsonValueKind.Array && list.EnumerateArray().All(i => i.ValueKind == JsonValueKind.String)
            ? list.EnumerateArray().Select(i => i.GetString()!).ToList()
            : throw new MatrixException(ErrorCode.BadJson, $"'{name}' must be a list of strings");
    }

    private static IEnumerable<string> Highlights(string term) =>
        term.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Select(w => new string(w.Where(char.IsLetterOrDigit).ToArray()).ToLowerInvariant())
            .Where(w => w.Length > 0 && w is not ("or" or "and"))
            .Distinct(StringComparer.Ordinal);
}
