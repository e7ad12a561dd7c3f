using System.Text.Json.Nodes;
using Homeserver.Core.Events;
using Homeserver.Services.Accounts;
using Homeserver.Services.Push;
using Homeserver.Services.Rooms;
using Homeserver.Services.Shared;

namespace Homeserver.Services.Sync;

/// <summary>
/// The per-room sections of a /sync response: joined and left rooms (timeline, state, account data, summary) and
/// invites (stripped state). Every timeline event passes history visibility (<see cref="RoomAccess"/>).
/// </summary>
public sealed class SyncRoomBuilder(IRoomEventReader reader, IRoomHistoryReader history, RoomAccess access,
    RoomTimelineService timeline, TypingService typing, LazyMembersSent lazyMembers, SyncRoomSummaries summaries,
    StoredJson stored)
{
    private readonly SharedReads<(string RoomId, long Stream), string?> _lastEventAt = new();

    /// <summary>
    /// A joined room's entry, or null when nothing in it changed since the request's <c>since</c>.
    /// <paramref name="hasEvents"/> is false when the room has no events since then (only ephemeral events and
    /// account data can have changed).
    /// </summary>
    public async Task<JsonObject?> JoinedAsync(SyncRequest request, SyncMembership membership, bool hasEvents,
        IReadOnlyList<AccountDataChange> roomAccountData, IReadOnlyList<Receipt> receipts, SyncUnreadCounts unread,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(unread);
        var since = request.Since?.Events;
        var newlyJoined = since is null || membership.StreamOrdering > since;
        var fresh = newlyJoined || request.FullState;
        var ephemeral = Ephemeral(request, membership.RoomId, fresh, receipts);
        // The room is sent when its counts changed (a new notification, or the user's own receipt) so clients see
        // them, even when the filters leave nothing else of the change to send.
        var loaded = unread.Loaded(membership.RoomId);
        var countsChanged = receipts.Any(r => r.UserId == request.Requester.UserId.Value) ||
                            (loaded ?? []).Any(c => c.Newest > since);
        if (!fresh && !hasEvents)
        {
            return roomAccountData.Count == 0 && ephemeral.Count == 0 && !countsChanged
                ? null
                : Joined(request, Timeline([], false, request.Now.Events), [], roomAccountData, ephemeral,
                    new JsonObject(), loaded ?? await unread.ForRoomAsync(membership.RoomId, cancellationToken));
        }

        var room = Reader(request, membership, RoomReadKind.Joined);
        var recent = await timeline.GetRecentAsync(room, request.Now.Events, newlyJoined ? null : since,
            request.Filter.TimelineLimit, request.Filter.Timeline, cancellationToken, request.PositionsReadAt);
        var start = recent.Events.Count > 0 ? recent.Events[0].StreamOrdering!.Value - 1 : request.Now.Events;
        if (fresh && request.Requester.DeviceId is { } deviceId)
        {
            lazyMembers.Reset(request.Requester.UserId.Value, deviceId, room.RoomId);
        }

        var state = await RoomStateAsync(request, room.RoomId, fresh, start, request.Now.Events, recent,
            cancellationToken);
        if (!fresh && recent.Events.Count == 0 && state.Count == 0 && roomAccountData.Count == 0 && ephemeral.Count == 0 &&
            !countsChanged)
        {
            return null;
        }

        // The summary only changes with membership: sent on a fresh view of the room and when members changed.
        var membersChanged = fresh || recent.Events.Any(e => e.Pdu.Type == EventTypes.Member) ||
                             state.Any(e => e.Pdu.Type == EventTypes.Member);
        return Joined(request, await TimelineAsync(recent, room, request.Requester, cancellationToken),
            await access.FormatAsync(state, room, request.Requester, cancellationToken), roomAccountData, ephemeral,
            membersChanged
                ? await summaries.GetAsync(room.RoomId, request.Requester.UserId.Value, request.PositionsReadAt,
                    cancellationToken)
                : new JsonObject(), loaded ?? await unread.ForRoomAsync(membership.RoomId, cancellationToken));
    }

    private JsonArray Ephemeral(SyncRequest request, string roomId, bool fresh, IReadOnlyList<Receipt> receipts)
    {
        var ephemeral = new JsonArray();
        if (typing.TypingEventSince(roomId, fresh ? null : request.Since?.Typing) is { } typingEvent &&
            request.Filter.Ephemeral.MatchesType("m.typing"))
        {
            ephemeral.Add(typingEvent);
        }

        if (ReceiptService.ReceiptEvent(receipts, request.Requester.UserId.Value) is { } receiptEvent &&
            request.Filter.Ephemeral.MatchesType("m.receipt"))
        {
            ephemeral.Add(receiptEvent);
        }

        return ephemeral;
    }

    private JsonObject Joined(SyncRequest request, JsonObject timelineBatch, JsonArray state,
        IReadOnlyList<AccountDataChange> roomAccountData, JsonArray ephemeral, JsonObject summary,
        IReadOnlyList<UnreadCount> counts)
    {
        var room = new JsonObject
        {
            ["timeline"] = timelineBatch,
            [request.UseStateAfter ? "state_after" : "state"] = Events(state),
            ["account_data"] = SyncService.AccountDataEvents(roomAccountData, request.Filter.RoomAccountData,
                stored, request.Requester.UserId.Value),
            ["ephemeral"] = Events(ephemeral),
            ["summary"] = summary,
        };
        SyncUnreadCounts.AddTo(room, counts, request.Filter.Timeline.UnreadThreadNotifications);
        return room;
    }

    /// <summary>
    /// The room's <c>state</c> (changes from <c>since</c> to the start of the timeline) or, with use_state_after,
    /// its <c>state_after</c> (changes from <c>since</c> to the end of the timeline, timeline events included).
    /// </summary>
    private Task<IReadOnlyList<StoredEvent>> RoomStateAsync(SyncRequest request, string roomId, bool fresh, long start,
        long end, (IReadOnlyList<StoredEvent> Events, bool Limited, long PrevBatch) recent,
        CancellationToken cancellationToken)
    {
        var since = request.Since?.Events;
        if (request.UseStateAfter)
        {
            return StateAsync(roomId, end, fresh ? null : since, recent.Events, true, request, cancellationToken);
        }

        if (fresh || recent.Limited || request.Filter.State.LazyLoadMembers)
        {
            var known = fresh ? null : recent.Limited ? since : start;
            return StateAsync(roomId, start, known, recent.Events, false, request, cancellationToken);
        }

        return Task.FromResult<IReadOnlyList<StoredEvent>>([]);
    }

    /// <summary>A left, kicked or banned room: its history up to the leave, as the user could see it.</summary>
    public async Task<JsonObject> LeftAsync(SyncRequest request, SyncMembership membership,
        IReadOnlyList<AccountDataChange> roomAccountData, CancellationToken cancellationToken)
    {
        var room = Reader(request, membership, RoomReadKind.Departed);
        var recent = await timeline.GetRecentAsync(room, membership.StreamOrdering, request.Since?.Events,
            request.Filter.TimelineLimit, request.Filter.Timeline, cancellationToken);
        var start = recent.Events.Count > 0 ? recent.Events[0].StreamOrdering!.Value - 1 : membership.StreamOrdering;
        var state = request.UseStateAfter
            ? await StateAsync(room.RoomId, membership.StreamOrdering, null, recent.Events, true, request,
                cancellationToken)
            : await StateAsync(room.RoomId, start, null, recent.Events, false, request, cancellationToken);
        return new JsonObject
        {
            ["timeline"] = await TimelineAsync(recent, room, request.Requester, cancellationToken),
            [request.UseStateAfter ? "state_after" : "state"] =
                Events(await access.FormatAsync(state, room, request.Requester, cancellationToken)),
            ["account_data"] = SyncService.AccountDataEvents(roomAccountData, request.Filter.RoomAccountData,
                stored, request.Requester.UserId.Value),
        };
    }

    /// <summary>
    /// An invite or a knock: stripped state of the room as of the membership event, with that event itself, under
    /// <paramref name="section"/> (<c>invite_state</c> or <c>knock_state</c>).
    /// </summary>
    public async Task<JsonObject> StrippedAsync(SyncMembership membership, string section,
        CancellationToken cancellationToken)
    {
        var state = await reader.GetStateIdsAfterAsync(membership.EventId, cancellationToken);
        var ids = state.Where(p => p.Key.StateKey.Length == 0 && StrippedRoomState.Types.Contains(p.Key.Type))
            .Select(p => p.Value).Append(membership.EventId).ToHashSet(StringComparer.Ordinal);
        var events = await reader.GetEventsAsync(ids, cancellationToken);
        var stripped = new JsonArray();
        // A room hosted elsewhere (its invite or knock stored out of band): the state its server gave with it.
        var given = state.Count == 0 && events.FirstOrDefault(e => e.Pdu.EventId == membership.EventId) is { } own
            ? StrippedRoomState.FromUnsigned(own.Pdu, section == "invite_state" ? "invite_room_state" : "knock_room_state")
            : null;
        foreach (var item in given ?? [])
        {
            if (item is JsonObject strippedEvent)
            {
                stripped.Add(strippedEvent.DeepClone());
            }
        }

        foreach (var e in events)
        {
            stripped.Add(StrippedRoomState.Of(e.Pdu));
        }

        return new JsonObject { [section] = new JsonObject { ["events"] = stripped } };
    }

    private static RoomReader Reader(SyncRequest request, SyncMembership m, RoomReadKind kind) =>
        new(m.RoomId, request.Requester.UserId.Value, kind,
            new MembershipRow(m.Membership, m.EventId, m.StreamOrdering, m.Forgotten), MembershipCoversReads: true,
            Ignoring: request.Ignoring, ReadsUpTo: request.Now.Events, SharesReadsFrom: request.PositionsReadAt);

    private async Task<JsonObject> TimelineAsync(
        (IReadOnlyList<StoredEvent> Events, bool Limited, long PrevBatch) recent, RoomReader room, Requester requester,
        CancellationToken cancellationToken) =>
        Timeline(await access.FormatAsync(recent.Events, room, requester, cancellationToken), recent.Limited,
            recent.PrevBatch);

    private static JsonObject Timeline(JsonArray events, bool limited, long prevBatch) => new()
    {
        ["events"] = events,
        ["limited"] = limited,
        ["prev_batch"] = StreamToken.Format(prevBatch),
    };

    /// <summary>
    /// The state at stream position <paramref name="at"/> passing the state filter, less what was already the state at
    /// <paramref name="known"/>. With lazy loading, of members only the timeline's senders (whether or not they
    /// changed, and unless the device was already sent them) and the user's own when it changed; members in the
    /// timeline itself are left out unless <paramref name="includeTimeline"/> (state_after).
    /// </summary>
    private async Task<IReadOnlyList<StoredEvent>> StateAsync(string roomId, long at, long? known,
        IReadOnlyList<StoredEvent> timelineEvents, bool includeTimeline, SyncRequest request,
        CancellationToken cancellationToken)
    {
        var filter = request.Filter.State;
        var current = !includeTimeline && timelineEvents.Count > 0 && at == timelineEvents[0].StreamOrdering - 1
            ? await StateBeforeAsync(timelineEvents[0], cancellationToken)
            : await StateIdsAtAsync(roomId, at, request.PositionsReadAt, cancellationToken);
        var previous = known is null ? null
            : known == at ? current // lazy members only: nothing changed, the same state twice
            : await StateIdsAtAsync(roomId, known.Value, request.PositionsReadAt, cancellationToken);
        var (self, device) = (request.Requester.UserId.Value, request.Requester.DeviceId);
        var senders = timelineEvents.Select(e => e.Pdu.Sender).ToHashSet(StringComparer.Ordinal);
        var inTimeline = timelineEvents.Select(e => e.Pdu.EventId).ToHashSet(StringComparer.Ordinal);
        // What was sent is remembered per device: an appservice syncing without one is always sent the members.
        var skipRedundant = filter.LazyLoadMembers && !filter.IncludeRedundantMembers && device is not null;
        var ids = new List<string>();
        foreach (var (key, eventId) in EntriesToCompare(current, previous, filter.LazyLoadMembers, senders))
        {
            var changed = previous is null ||
                          !string.Equals(previous.GetValueOrDefault(key), eventId, StringComparison.Ordinal);
            var wanted = filter.LazyLoadMembers && key.Type == EventTypes.Member
                ? (includeTimeline || !inTimeline.Contains(eventId)) &&
                  ((key.StateKey == self && changed) ||
                   (senders.Contains(key.StateKey) && (changed || !skipRedundant ||
                                                       !lazyMembers.WasSent(self, device!, roomId, eventId))))
                : changed;
            if (wanted)
            {
                ids.Add(eventId);
            }
        }

        var events = (await reader.GetEventsAsync(ids, cancellationToken)).Where(e => filter.Matches(e.Pdu)).ToList();
        if (skipRedundant)
        {
            lazyMembers.MarkSent(self, device!, roomId, events.Where(e => e.Pdu.Type == EventTypes.Member)
                .Concat(timelineEvents.Where(e => e.Pdu.Type == EventTypes.Member)).Select(e => e.Pdu.EventId));
        }

        return events;
    }

    /// <summary>
    /// The entries of <paramref name="current"/> that can be sent: all of them, except when it is the very state
    /// already known (an incremental sync lazy-loading members, its timeline not limited): then nothing changed, and
    /// only the members of the timeline's senders can be wanted, looked up by key instead of walking a big room's
    /// whole state once per syncing device.
    /// </summary>
    private static IEnumerable<KeyValuePair<TypeAndStateKey, string>> EntriesToCompare(
        IReadOnlyDictionary<TypeAndStateKey, string> current, IReadOnlyDictionary<TypeAndStateKey, string>? previous,
        bool lazyMembers, HashSet<string> senders)
    {
        if (!ReferenceEquals(previous, current))
        {
            return current;
        }

        return lazyMembers
            ? senders.Select(s => new TypeAndStateKey(EventTypes.Member, s))
                .Where(current.ContainsKey).Select(k => KeyValuePair.Create(k, current[k])).ToList()
            : [];
    }

    /// <summary>
    /// The state before an event: the state after it with its own entry put back to what it replaced. The state at
    /// the start of a timeline is this, not the state after the event before it in the stream: a room joined over
    /// federation has no event here before our join, whose state came with the join.
    /// </summary>
    private async Task<IReadOnlyDictionary<TypeAndStateKey, string>> StateBeforeAsync(StoredEvent first,
        CancellationToken cancellationToken)
    {
        var after = await reader.GetStateIdsAfterAsync(first.Pdu.EventId, cancellationToken);
        if (!first.Pdu.IsState ||
            !string.Equals(after.GetValueOrDefault(first.Pdu.StateEntryKey), first.Pdu.EventId, StringComparison.Ordinal))
        {
            return after;
        }

        var before = new Dictionary<TypeAndStateKey, string>(after);
        if (first.ReplacesState is { } replaced)
        {
            before[first.Pdu.StateEntryKey] = replaced;
        }
        else
        {
            before.Remove(first.Pdu.StateEntryKey);
        }

        return before;
    }

    /// <summary>The state at a stream position; the syncs woken together (their positions read after
    /// <paramref name="sharesFrom"/>) share one lookup of the room's last event there (every guest of a live event whose
    /// timeline came back limited asks it for the same few positions).</summary>
    private async Task<IReadOnlyDictionary<TypeAndStateKey, string>> StateIdsAtAsync(string roomId, long stream,
        long? sharesFrom, CancellationToken cancellationToken)
    {
        var eventId = sharesFrom is { } notBefore
            ? await _lastEventAt.ReadAsync((roomId, stream), notBefore,
                () => history.GetLastEventIdAtAsync(roomId, stream, CancellationToken.None), cancellationToken)
            : await history.GetLastEventIdAtAsync(roomId, stream, cancellationToken);
        return eventId is null
            ? new Dictionary<TypeAndStateKey, string>()
            : await reader.GetStateIdsAfterAsync(eventId, cancellationToken);
    }

    internal static JsonObject Events(JsonArray events) => new() { ["events"] = events };
}
