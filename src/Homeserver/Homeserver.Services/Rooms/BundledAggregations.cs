using System.Text.Json.Nodes;
using Homeserver.Services.Accounts;

namespace Homeserver.Services.Rooms;

/// <summary>
/// Formats pages of events for clients with their bundled aggregations in <c>unsigned.m.relations</c>: m.thread
/// (latest_event, count, current_user_participated), m.replace (the newest edit by the original sender) and
/// m.reference (chunk of event IDs), made only of the relations the reader may see. One aggregation query per page,
/// whatever its size: the store aggregates children in groups that history visibility treats alike, finds those
/// after the reader's current join visible itself, and one batch visibility check of a representative of each other
/// group decides for the whole group.
/// </summary>
public sealed class BundledAggregations(IRelationsReader relations, IRoomEventReader reader,
    ClientEventFormatter formatter, HistoryVisibilityFilter visibility, IgnoredUsers ignoredUsers)
{
    private readonly Shared.SharedReads<(string RoomId, long UpTo, string Parents), IReadOnlySet<string>>
        _parentsWithChildren = new();

    public async Task<JsonArray> FormatAsync(IReadOnlyList<StoredEvent> events, RoomReader room, Requester requester,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var bundles = await GetAsync(events, room, requester, cancellationToken);
        return new JsonArray(events.Select(e => (JsonNode?)Attach(formatter.Format(e, requester),
            bundles.GetValueOrDefault(e.Pdu.EventId))).ToArray());
    }

    /// <summary>
    /// The <c>m.relations</c> object of each event of <paramref name="room"/> that has any aggregation the reader may
    /// see (redacted events have none).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, JsonObject>> GetAsync(IReadOnlyList<StoredEvent> events,
        RoomReader room, Requester requester, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(room);
        ArgumentNullException.ThrowIfNull(requester);
        var parents = events.Where(e => e.RedactedBecause is null && e.Pdu.RoomId == room.RoomId)
            .DistinctBy(e => e.Pdu.EventId, StringComparer.Ordinal)
            .ToDictionary(e => e.Pdu.EventId, StringComparer.Ordinal);
        var result = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        if (parents.Count == 0)
        {
            return result;
        }

        if (room is { SharesReadsFrom: { } notBefore })
        {
            // The syncs one event woke (or the pages asked at about the same time) share one read of which parents
            // have children at all; the reader's own query (grouped by what decides its visibility for them) runs only
            // for those. Without a bound the shared read may see children newer than the reader's: their parents
            // then just go to the reader's own query.
            var upTo = room.ReadsUpTo ?? long.MaxValue;
            var ids = parents.Keys.Order(StringComparer.Ordinal).ToList();
            var withChildren = await _parentsWithChildren.ReadAsync((room.RoomId, upTo, string.Join('\n', ids)),
                notBefore, () => relations.GetParentsWithChildrenAsync(room.RoomId, ids, upTo, CancellationToken.None),
                cancellationToken);
            parents = parents.Where(p => withChildren.Contains(p.Key))
                .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
            if (parents.Count == 0)
            {
                return result;
            }
        }

        var ignored = room.Ignoring ?? await ignoredUsers.GetAsync(requester.UserId, cancellationToken);
        var groups = await relations.GetAggregatesAsync(new AggregatesQuery(room.RoomId, parents.Keys, room.UserId,
            room.ReadsUpTo, ignored), cancellationToken);
        if (groups.Count == 0)
        {
            return result;
        }

        // Without an upper bound the children may be newer than the reader's membership read, which then no longer
        // covers them.
        var checkedAs = room with
        {
            Ignoring = ignored, MembershipCoversReads = room.MembershipCoversReads && room.ReadsUpTo is not null,
        };
        var representatives = await reader.GetEventsAsync(groups.Select(g => g.LatestId).Distinct().ToList(),
            cancellationToken);
        var covered = groups.Where(g => g.Covered).Select(g => g.LatestId).ToHashSet(StringComparer.Ordinal);
        var visible = representatives.Where(e => covered.Contains(e.Pdu.EventId))
            .Concat(await visibility.FilterAsync(checkedAs,
                representatives.Where(e => !covered.Contains(e.Pdu.EventId)).ToList(), cancellationToken))
            .ToDictionary(e => e.Pdu.EventId, StringComparer.Ordinal);
        foreach (var byParent in groups.Where(g => visible.ContainsKey(g.LatestId)).GroupBy(g => g.ParentId))
        {
            var parent = parents[byParent.Key];
            var bundle = new JsonObject();
            var thread = byParent.Where(g => g.RelType == RelationTypes.Thread).ToList();
            if (thread.Count > 0)
            {
                var reply = thread.Select(g => visible[g.LatestId]).MaxBy(e => e.StreamOrdering)!;
                bundle[RelationTypes.Thread] = new JsonObject
                {
                    ["latest_event"] = formatter.Format(reply, requester),
                    ["count"] = thread.Sum(g => g.Count),
                    ["current_user_participated"] = thread.Exists(g => g.Participated) ||
                                                    parent.Pdu.Sender == requester.UserId.Value,
                };
            }

            if (byParent.Where(g => g.RelType == RelationTypes.Replace).Select(g => visible[g.LatestId])
                    .OrderByDescending(e => e.Pdu.OriginServerTs)
                    .ThenByDescending(e => e.Pdu.EventId, StringComparer.Ordinal)
                    .FirstOrDefault() is { } edit)
            {
                bundle[RelationTypes.Replace] = formatter.Format(edit, requester);
            }

            var references = byParent.Where(g => g.RelType == RelationTypes.Reference)
                .OrderBy(g => visible[g.LatestId].StreamOrdering).SelectMany(g => g.EventIds).ToList();
            if (references.Count > 0)
            {
                bundle[RelationTypes.Reference] = new JsonObject
                {
                    ["chunk"] = new JsonArray(references
                        .Select(id => (JsonNode?)new JsonObject { ["event_id"] = id }).ToArray()),
                };
            }

            if (bundle.Count > 0)
            {
                result[byParent.Key] = bundle;
            }
        }

        return result;
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
