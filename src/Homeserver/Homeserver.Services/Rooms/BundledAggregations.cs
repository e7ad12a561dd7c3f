using System.Text.Json.Nodes;
using Homeserver.Services.Accounts;

namespace Homeserver.Services.Rooms;

/// <summary>
/// Formats pages of events for clients with their bundled aggregations in <c>unsigned.m.relations</c>: m.thread
/// (latest_event, count, current_user_participated), m.replace (the newest edit by the original sender) and
/// m.reference (chunk of event IDs). One aggregation query and one event load per page, whatever its size.
/// </summary>
public sealed class BundledAggregations(IRelationsReader relations, IRoomEventReader reader,
    ClientEventFormatter formatter)
{
    public async Task<JsonArray> FormatAsync(IReadOnlyList<StoredEvent> events, Requester requester,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var bundles = await GetAsync(events, requester, cancellationToken);
        return new JsonArray(events.Select(e => (JsonNode?)Attach(formatter.Format(e, requester),
            bundles.GetValueOrDefault(e.Pdu.EventId))).ToArray());
    }

    public async Task<JsonObject> FormatAsync(StoredEvent stored, Requester requester,
        CancellationToken cancellationToken) =>
        (JsonObject)(await FormatAsync([stored], requester, cancellationToken))[0]!;

    /// <summary>The <c>m.relations</c> object of each event that has any aggregation (redacted events have none).</summary>
    public async Task<IReadOnlyDictionary<string, JsonObject>> GetAsync(IReadOnlyList<StoredEvent> events,
        Requester requester, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(requester);
        var parents = events.Where(e => e.RedactedBecause is null).ToDictionary(e => e.Pdu.EventId, StringComparer.Ordinal);
        var result = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        if (parents.Count == 0)
        {
            return result;
        }

        var aggregates = await relations.GetAggregatesAsync(parents.Keys, requester.UserId.Value, cancellationToken);
        var latestIds = aggregates.Where(a => a.LatestId is not null).Select(a => a.LatestId!).Distinct().ToList();
        var latest = latestIds.Count == 0
            ? new Dictionary<string, StoredEvent>()
            : (await reader.GetEventsAsync(latestIds, cancellationToken)).ToDictionary(e => e.Pdu.EventId, StringComparer.Ordinal);
        foreach (var aggregate in aggregates)
        {
            var bundle = result.TryGetValue(aggregate.ParentId, out var existing) ? existing : result[aggregate.ParentId] = [];
            var parent = parents[aggregate.ParentId];
            switch (aggregate.RelType)
            {
                case RelationTypes.Thread when latest.TryGetValue(aggregate.LatestId!, out var reply):
                    bundle[RelationTypes.Thread] = new JsonObject
                    {
                        ["latest_event"] = formatter.Format(reply, requester),
                        ["count"] = aggregate.Count,
                        ["current_user_participated"] = aggregate.Participated || parent.Pdu.Sender == requester.UserId.Value,
                    };
                    break;
                case RelationTypes.Replace when latest.TryGetValue(aggregate.LatestId!, out var edit):
                    bundle[RelationTypes.Replace] = formatter.Format(edit, requester);
                    break;
                case RelationTypes.Reference:
                    bundle[RelationTypes.Reference] = new JsonObject
                    {
                        ["chunk"] = new JsonArray(aggregate.EventIds
                            .Select(id => (JsonNode?)new JsonObject { ["event_id"] = id }).ToArray()),
                    };
                    break;
            }
        }

        return result.Where(r => r.Value.Count > 0).ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal);
    }

    /// <summary>Adds <paramref name="bundle"/> to a formatted event as <c>unsigned.m.relations</c>.</summary>
    public static JsonObject Attach(JsonObject formatted, JsonObject? bundle)
    {
        ArgumentNullException.ThrowIfNull(formatted);
        if (bundle is not null)
        {
            var unsigned = formatted["unsigned"] as JsonObject ?? [];
            unsigned["m.relations"] = bundle;
            formatted["unsigned"] = unsigned;
        }

        return formatted;
    }
}

public static class RelationTypes
{
    public const string Thread = "m.thread";
    public const string Replace = "m.replace";
    public const string Reference = "m.reference";
    public const string Annotation = "m.annotation";
}
