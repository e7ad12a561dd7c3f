using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Configuration;
using Homeserver.Services.Rooms;

namespace Homeserver.Services.Federation.History;

/// <summary>
/// Walks of a room's DAG backwards for other servers (<c>/backfill</c>, <c>/get_missing_events</c>) and
/// <c>/timestamp_to_event</c>, as Synapse walks them. Events the server may not see are served redacted; rejected
/// events are never served.
/// </summary>
public sealed class FederationBackfillService(
    HomeserverSettings settings,
    IFederationHistoryStore store,
    IRoomEventReader reader,
    IRoomHistoryReader history,
    FederationRoomGate gate,
    ServerEventVisibility visibility,
    TimeProvider time)
{
    /// <summary>At most this many events per <c>/get_missing_events</c> (Synapse's cap).</summary>
    public const int MaxMissingEvents = 20;

    /// <summary>At most this many events per <c>/backfill</c> (Synapse's cap; Synapse asks for 100).</summary>
    public const int MaxBackfillEvents = 100;

    /// <summary>
    /// <c>POST /_matrix/federation/v1/get_missing_events/{roomId}</c>: the prev events of
    /// <paramref name="latestEvents"/>, breadth first, not going past <paramref name="earliestEvents"/> nor below
    /// <paramref name="minDepth"/>, at most <paramref name="limit"/> (capped at <see cref="MaxMissingEvents"/>), oldest
    /// first. The latest events themselves are not included.
    /// </summary>
    public async Task<JsonObject> GetMissingEventsAsync(ServerName origin, RoomId roomId,
        IReadOnlyCollection<string> earliestEvents, IReadOnlyCollection<string> latestEvents, int limit, long minDepth,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(earliestEvents);
        ArgumentNullException.ThrowIfNull(latestEvents);
        await gate.EnsureServedAsync(origin, roomId, cancellationToken);
        limit = Math.Clamp(limit, 0, MaxMissingEvents);
        var seen = new HashSet<string>(earliestEvents, StringComparer.Ordinal);
        var front = latestEvents.Where(id => !seen.Contains(id)).Distinct(StringComparer.Ordinal).ToList();
        var found = new List<DagNeighbour>();
        while (front.Count > 0 && found.Count < limit)
        {
            var prevs = await store.GetPrevEventsAsync(roomId, front, cancellationToken);
            var next = new List<string>();
            foreach (var id in front)
            {
                foreach (var prev in prevs.GetValueOrDefault(id, []).OrderByDescending(p => p.Depth)
                             .ThenBy(p => p.EventId, StringComparer.Ordinal))
                {
                    if (found.Count >= limit)
                    {
                        break;
                    }

                    if (prev.Depth >= minDepth && seen.Add(prev.EventId))
                    {
                        found.Add(prev);
                        next.Add(prev.EventId);
                    }
                }
            }

            front = next;
        }

        found.Reverse(); // walked newest first; served roughly in chronological order
        var events = await LoadServableAsync(found, cancellationToken);
        return new JsonObject
        {
            ["events"] = new JsonArray([.. await visibility.ServeAsync(origin, events, cancellationToken)]),
        };
    }

    /// <summary>
    /// <c>GET /_matrix/federation/v1/backfill/{roomId}</c>: <paramref name="from"/> and the events before them, newest
    /// (greatest depth, then stream position) first, at most <paramref name="limit"/> (capped at
    /// <see cref="MaxBackfillEvents"/>). Outliers are not walked to (their state is unknown, so is their visibility).
    /// </summary>
    public async Task<JsonObject> BackfillAsync(ServerName origin, RoomId roomId, IReadOnlyCollection<string> from,
        int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(from);
        await gate.EnsureServedAsync(origin, roomId, cancellationToken);
        limit = Math.Clamp(limit, 0, MaxBackfillEvents);
        var queue = new PriorityQueue<DagNeighbour, DagNeighbour>(NewestFirst.Instance);
        foreach (var seed in await store.GetRoomEventsAsync(roomId, from.Distinct(StringComparer.Ordinal).ToList(),
                     cancellationToken))
        {
            queue.Enqueue(seed, seed);
        }

        var taken = new HashSet<string>(StringComparer.Ordinal);
        var found = new List<DagNeighbour>();
        var prevsOf = new Dictionary<string, IReadOnlyList<DagNeighbour>>(StringComparer.Ordinal);
        while (found.Count < limit && queue.TryDequeue(out var next, out _))
        {
            if (!taken.Add(next.EventId))
            {
                continue;
            }

            found.Add(next);
            if (!prevsOf.ContainsKey(next.EventId))
            {
                // One query for every queued event whose prev events are not known yet, not one per event.
                var unknown = queue.UnorderedItems.Select(i => i.Element.EventId).Append(next.EventId)
                    .Where(id => !prevsOf.ContainsKey(id)).Distinct(StringComparer.Ordinal).ToList();
                var loaded = await store.GetPrevEventsAsync(roomId, unknown, cancellationToken);
                foreach (var id in unknown)
                {
                    prevsOf[id] = loaded.GetValueOrDefault(id, []);
                }
            }

            foreach (var prev in prevsOf[next.EventId])
            {
                if (!prev.Outlier && !taken.Contains(prev.EventId))
                {
                    queue.Enqueue(prev, prev);
                }
            }
        }

        var events = await LoadServableAsync(found, cancellationToken);
        var pdus = await visibility.ServeAsync(origin, events, cancellationToken);
        return FederationEventService.Transaction(settings.ServerName, time.GetUtcNow().ToUnixTimeMilliseconds(), pdus);
    }

    /// <summary>
    /// <c>GET /_matrix/federation/v1/timestamp_to_event/{roomId}</c>: the event of the room's timeline nearest to
    /// <paramref name="timestamp"/> in the given direction (404 when there is none).
    /// </summary>
    public async Task<JsonObject> TimestampToEventAsync(ServerName origin, RoomId roomId, long timestamp,
        bool forwards, CancellationToken cancellationToken)
    {
        await gate.EnsureServedAsync(origin, roomId, cancellationToken);
        var nearest = await history.GetEventsByTimestampAsync(roomId.Value, timestamp, forwards, 1, cancellationToken);
        return nearest.Count == 0
            ? throw new MatrixException(ErrorCode.NotFound,
                $"No event found {(forwards ? "after" : "before")} {timestamp} in {roomId}")
            : new JsonObject
            {
                ["event_id"] = nearest[0].Pdu.EventId,
                ["origin_server_ts"] = nearest[0].Pdu.OriginServerTs,
            };
    }

    /// <summary>The events in the given order, without rejected ones (never served).</summary>
    private async Task<IReadOnlyList<StoredEvent>> LoadServableAsync(IReadOnlyList<DagNeighbour> found,
        CancellationToken cancellationToken)
    {
        var ids = found.Where(e => !e.Rejected).Select(e => e.EventId).ToList();
        if (ids.Count == 0)
        {
            return [];
        }

        var loaded = (await reader.GetEventsAsync(ids, cancellationToken))
            .ToDictionary(e => e.Pdu.EventId, StringComparer.Ordinal);
        return ids.Where(loaded.ContainsKey).Select(id => loaded[id]).ToList();
    }

    /// <summary>Greatest depth first, then greatest stream position (events without one last), then event ID.</summary>
    private sealed class NewestFirst : IComparer<DagNeighbour>
    {
        public static readonly NewestFirst Instance = new();

        public int Compare(DagNeighbour? x, DagNeighbour? y)
        {
            ArgumentNullException.ThrowIfNull(x);
            ArgumentNullException.ThrowIfNull(y);
            var byDepth = y.Depth.CompareTo(x.Depth);
            if (byDepth != 0)
            {
                return byDepth;
            }

            var byStream = (y.StreamOrdering ?? long.MinValue).CompareTo(x.StreamOrdering ?? long.MinValue);
            return byStream != 0 ? byStream : string.CompareOrdinal(x.EventId, y.EventId);
        }
    }
}
