using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Services.Accounts;

namespace Homeserver.Services.Rooms;

/// <summary>
/// Walking a room's timeline for clients: /messages, /context and /timestamp_to_event, each event filtered by
/// history visibility. Tokens are stream positions "s{N}" meaning "just after event N": backwards from sN gives
/// events at or before N, forwards gives events after N.
/// </summary>
public sealed class RoomTimelineService(IRoomEventReader reader, IRoomHistoryReader history, RoomAccess access,
    IRoomBackfill? backfill = null)
{
    public const int MaxMessagesLimit = 1000;
    public const int MaxContextLimit = 100;

    // A page stops after this many batches even when few events were visible; its end token goes on from there.
    private const int MaxBatches = 10;

    private readonly Shared.SharedReads<(string RoomId, long From, bool Forwards, int Size), IReadOnlyList<StoredEvent>>
        _sharedRoomReads = new();
    /// <summary>GET /rooms/{roomId}/messages.</summary>
    /// <param name="asServerAdmin">Synapse's admin API (/_synapse/admin/v1/rooms/{roomId}/messages): no membership
    /// needed, the whole history shown.</param>
    public async Task<JsonObject> GetMessagesAsync(Requester requester, string roomId, string? from, string? to,
        bool forwards, int limit, string? filterJson, CancellationToken cancellationToken, bool asServerAdmin = false)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var start = from is null ? null : (long?)StreamToken.Parse(from);
        long? end = to is null ? null : StreamToken.Parse(to);
        var filter = RoomEventFilter.Parse(filterJson);
        // Reads the same for every reader that start after this request did see all it must: they (the page's rows,
        // which parents have relations) may be shared with the other requests paging the same part of the room at
        // about the same time, as the guests of a live event do after a limited /sync.
        var askedAt = System.Diagnostics.Stopwatch.GetTimestamp();
        var room = (asServerAdmin
            ? new RoomReader(roomId, requester.UserId.Value, RoomReadKind.Admin, null)
            : await access.RequireReaderAsync(requester, roomId, cancellationToken)) with
        {
            SharesReadsFrom = askedAt,
        };
        var position = start ?? (forwards ? 0 : await reader.GetCurrentStreamAsync(cancellationToken));
        var page = await ScanAsync(room, position, end, forwards, Math.Clamp(limit, 1, MaxMessagesLimit), filter,
            cancellationToken, askedAt);
        // Paging back past the earliest event here: older history may be on the other servers of the room.
        if (!forwards && !page.More && end is null && backfill is not null &&
            await backfill.BackfillAsync(roomId, cancellationToken))
        {
            page = await ScanAsync(room, position, end, forwards, Math.Clamp(limit, 1, MaxMessagesLimit), filter,
                cancellationToken);
        }

        var result = new JsonObject
        {
            ["chunk"] = await access.FormatAsync(page.Events, room, requester, cancellationToken),
            ["start"] = StreamToken.Format(position),
        };
        if (page.More)
        {
            result["end"] = StreamToken.Format(page.Next);
        }

        if (filter.LazyLoadMembers)
        {
            result["state"] = await SenderMembersAsync(page.Events, room, requester, cancellationToken);
        }

        return result;
    }

    /// <summary>GET /rooms/{roomId}/context/{eventId}.</summary>
    public async Task<JsonObject> GetContextAsync(Requester requester, string roomId, string eventId, int? limit,
        string? filterJson, CancellationToken cancellationToken)
    {
        var filter = RoomEventFilter.Parse(filterJson);
        var room = await access.RequireReaderAsync(requester, roomId, cancellationToken);
        var found = await reader.GetEventAsync(eventId, cancellationToken);
        if (found?.StreamOrdering is not { } stream || found.Pdu.RoomId != roomId ||
            (await access.FilterVisibleAsync(room, [found], cancellationToken)) is not [var stored])
        {
            throw new MatrixException(ErrorCode.NotFound, "Event not found");
        }

        var total = Math.Clamp(limit ?? 10, 0, MaxContextLimit);
        var before = await ScanAsync(room, stream - 1, null, false, total / 2, filter, cancellationToken);
        var after = await ScanAsync(room, stream, null, true, total - (total / 2), filter, cancellationToken);
        var last = after.Events.Count > 0 ? after.Events[^1] : stored;
        var around = before.Events.Concat([stored]).Concat(after.Events).ToList();
        return new JsonObject
        {
            ["event"] = await access.FormatAsync(stored, room, requester, cancellationToken),
            ["events_before"] = await access.FormatAsync(before.Events, room, requester, cancellationToken),
            ["events_after"] = await access.FormatAsync(after.Events, room, requester, cancellationToken),
            ["start"] = StreamToken.Format(before.Next),
            ["end"] = StreamToken.Format(after.Next),
            ["state"] = await access.FormatAsync(await StateAfterAsync(last, around, filter, cancellationToken),
                room, requester, cancellationToken),
        };
    }

    /// <summary>GET /v1/rooms/{roomId}/timestamp_to_event: the visible event nearest the time in a direction.</summary>
    public async Task<JsonObject> GetEventByTimestampAsync(Requester requester, string roomId, long timestamp,
        bool forwards, CancellationToken cancellationToken)
    {
        var room = await access.RequireReaderAsync(requester, roomId, cancellationToken);
        var candidates = await history.GetEventsByTimestampAsync(roomId, timestamp, forwards, 100, cancellationToken);
        var visible = await access.FilterVisibleAsync(room, candidates, cancellationToken);
        if (visible.Count == 0)
        {
            throw new MatrixException(ErrorCode.NotFound,
                $"Unable to find event from {timestamp} in {(forwards ? "forward" : "backward")} direction");
        }

        return new JsonObject
        {
            ["event_id"] = visible[0].Pdu.EventId,
            ["origin_server_ts"] = visible[0].Pdu.OriginServerTs,
        };
    }

    /// <summary>
    /// For /sync: the newest <paramref name="limit"/> visible events matching <paramref name="filter"/> at or before
    /// <paramref name="upTo"/> and after <paramref name="after"/> (from the start when null), oldest first; whether
    /// more may remain; and the pagination position before the first of them.
    /// </summary>
    /// <param name="shareReadsFrom">When set, a <see cref="System.Diagnostics.Stopwatch"/> timestamp after which
    /// every event up to <paramref name="upTo"/> was visible: the room's rows may then come from a read another request
    /// started after it (a burst of syncs woken by one event read the room once).</param>
    public async Task<(IReadOnlyList<StoredEvent> Events, bool Limited, long PrevBatch)> GetRecentAsync(
        RoomReader room, long upTo, long? after, int limit, RoomEventFilter filter, CancellationToken cancellationToken,
        long? shareReadsFrom = null)
    {
        var page = await ScanAsync(room, upTo, after, false, limit, filter, cancellationToken, shareReadsFrom);
        return (page.Events.Reverse().ToList(), page.More, page.Next);
    }

    /// <summary>
    /// Up to <paramref name="limit"/> visible events matching <paramref name="filter"/> from the token position
    /// <paramref name="from"/>, not past <paramref name="to"/>; <c>Next</c> is the token position after the last event
    /// looked at and <c>More</c> whether events may remain.
    /// </summary>
    private async Task<TimelinePage> ScanAsync(RoomReader room, long from, long? to, bool forwards, int limit,
        RoomEventFilter filter, CancellationToken cancellationToken, long? shareReadsFrom = null)
    {
        var events = new List<StoredEvent>();
        var position = from;
        if (limit <= 0)
        {
            return new TimelinePage(events, position, true);
        }

        // Without a filter most rows read are returned: read one more than asked (to know whether more remain).
        var size = Math.Clamp(filter.MatchesAll ? limit + 1 : limit * 2, 20, MaxMessagesLimit + 1);
        for (var batch = 0; batch < MaxBatches; batch++)
        {
            var start = forwards ? position : position + 1;
            var raw = shareReadsFrom is { } notBefore
                ? await _sharedRoomReads.ReadAsync((room.RoomId, start, forwards, size), notBefore,
                    () => reader.GetRoomEventsAsync(room.RoomId, start, forwards, size, CancellationToken.None),
                    cancellationToken)
                : await reader.GetRoomEventsAsync(room.RoomId, start, forwards, size, cancellationToken);
            var inRange = raw.TakeWhile(e => to is null || (forwards ? e.StreamOrdering <= to : e.StreamOrdering > to))
                .ToList();
            var exhausted = raw.Count < size || inRange.Count < raw.Count;
            // As the filter returns them (an erased sender's event may come back pruned).
            var visible = (await access.FilterVisibleAsync(room, inRange.Where(e => filter.Matches(e.Pdu)).ToList(),
                cancellationToken)).ToDictionary(e => e.Pdu.EventId, StringComparer.Ordinal);
            for (var i = 0; i < inRange.Count; i++)
            {
                var e = inRange[i];
                position = forwards ? e.StreamOrdering!.Value : e.StreamOrdering!.Value - 1;
                if (visible.TryGetValue(e.Pdu.EventId, out var shown))
                {
                    events.Add(shown);
                    if (events.Count == limit)
                    {
                        return new TimelinePage(events, position, !exhausted || i < inRange.Count - 1);
                    }
                }
            }

            if (exhausted)
            {
                return new TimelinePage(events, position, false);
            }
        }

        return new TimelinePage(events, position, true);
    }

    /// <summary>The lazy-loaded members for a chunk: each sender's member event as of their first event in it.</summary>
    private async Task<JsonArray> SenderMembersAsync(IReadOnlyList<StoredEvent> events, RoomReader room,
        Requester requester,
        CancellationToken cancellationToken)
    {
        var firstBySender = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            firstBySender.TryAdd(e.Pdu.Sender, e.Pdu.EventId);
        }

        var keys = firstBySender.Keys.Select(s => new TypeAndStateKey(EventTypes.Member, s)).ToList();
        var states = await history.GetStateIdsAfterAsync(firstBySender.Values.ToList(), keys, cancellationToken);
        var memberIds = firstBySender
            .Select(p => states.GetValueOrDefault(p.Value)?.GetValueOrDefault(new TypeAndStateKey(EventTypes.Member, p.Key)))
            .OfType<string>().ToHashSet(StringComparer.Ordinal);
        var members = memberIds.Count == 0 ? [] : await reader.GetEventsAsync(memberIds, cancellationToken);
        return await access.FormatAsync(members, room, requester, cancellationToken);
    }

    /// <summary>The state after <paramref name="last"/> passing the filter; with lazy loading, of members only the
    /// senders of <paramref name="around"/>.</summary>
    private async Task<IReadOnlyList<StoredEvent>> StateAfterAsync(StoredEvent last, IReadOnlyList<StoredEvent> around,
        RoomEventFilter filter, CancellationToken cancellationToken)
    {
        var state = (await history.GetStateIdsAfterAsync([last.Pdu.EventId], null, cancellationToken))
            .GetValueOrDefault(last.Pdu.EventId);
        if (state is null)
        {
            return [];
        }

        var senders = around.Select(e => e.Pdu.Sender).ToHashSet(StringComparer.Ordinal);
        var ids = state.Where(p => !filter.LazyLoadMembers || p.Key.Type != EventTypes.Member || senders.Contains(p.Key.StateKey))
            .Select(p => p.Value).ToList();
        return (await reader.GetEventsAsync(ids, cancellationToken)).Where(e => filter.Matches(e.Pdu)).ToList();
    }

    private sealed record TimelinePage(IReadOnlyList<StoredEvent> Events, long Next, bool More);
}
