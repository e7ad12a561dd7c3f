using System.Text.Json.Nodes;
using Homeserver.Core.Events;
using Homeserver.Services.Accounts;
using Homeserver.Services.Rooms;

namespace Homeserver.Services.Sync;

/// <summary>
/// The per-room sections of a /sync response: joined and left rooms (timeline, state, account data, summary) and
/// invites (stripped state). Every timeline event passes history visibility (<see cref="RoomAccess"/>).
/// </summary>
public sealed class SyncRoomBuilder(IRoomEventReader reader, IRoomHistoryReader history, RoomAccess access,
    RoomTimelineService timeline, TypingService typing)
{
    private const int MaxHeroes = 5;

    private static readonly HashSet<string> StrippedStateTypes = new(StringComparer.Ordinal)
    {
        EventTypes.Create, EventTypes.JoinRules, "m.room.name", "m.room.avatar", "m.room.canonical_alias",
        "m.room.encryption",
    };

    /// <summary>A joined room's entry, or null when nothing in it changed since the request's <c>since</c>.</summary>
    public async Task<JsonObject?> JoinedAsync(SyncRequest request, SyncMembership membership,
        IReadOnlyList<AccountDataChange> roomAccountData, IReadOnlyList<Receipt> receipts,
        CancellationToken cancellationToken)
    {
        var since = request.Since?.Events;
        var newlyJoined = since is null || membership.StreamOrdering > since;
        var room = Reader(request.Requester, membership, RoomReadKind.Joined);
        var recent = await timeline.GetRecentAsync(room, request.Now.Events, newlyJoined ? null : since,
            request.Filter.TimelineLimit, request.Filter.Timeline, cancellationToken);
        var start = recent.Events.Count > 0 ? recent.Events[0].StreamOrdering!.Value - 1 : request.Now.Events;
        IReadOnlyList<StoredEvent> state;
        if (newlyJoined || request.FullState)
        {
            state = await StateAsync(room.RoomId, start, null, recent.Events, request, cancellationToken);
        }
        else if (recent.Limited || request.Filter.State.LazyLoadMembers)
        {
            state = await StateAsync(room.RoomId, start, recent.Limited ? since : start, recent.Events, request,
                cancellationToken);
        }
        else
        {
            state = [];
        }

        var ephemeral = new JsonArray();
        if (typing.TypingEventSince(room.RoomId, newlyJoined || request.FullState ? null : request.Since?.Typing) is { } typingEvent &&
            request.Filter.Ephemeral.MatchesType("m.typing"))
        {
            ephemeral.Add(typingEvent);
        }

        if (ReceiptService.ReceiptEvent(receipts, request.Requester.UserId.Value) is { } receiptEvent &&
            request.Filter.Ephemeral.MatchesType("m.receipt"))
        {
            ephemeral.Add(receiptEvent);
        }

        if (!newlyJoined && !request.FullState && recent.Events.Count == 0 && state.Count == 0 &&
            roomAccountData.Count == 0 && ephemeral.Count == 0)
        {
            return null;
        }

        return new JsonObject
        {
            ["timeline"] = await TimelineAsync(recent, request.Requester, cancellationToken),
            ["state"] = Events(await access.FormatAsync(state, request.Requester, cancellationToken)),
            ["account_data"] = SyncService.AccountDataEvents(roomAccountData, request.Filter.RoomAccountData),
            ["ephemeral"] = Events(ephemeral),
            ["summary"] = await SummaryAsync(room.RoomId, request.Requester.UserId.Value, request.Now.Events,
                cancellationToken),
            ["unread_notifications"] = new JsonObject { ["highlight_count"] = 0, ["notification_count"] = 0 },
        };
    }

    /// <summary>A left, kicked or banned room: its history up to the leave, as the user could see it.</summary>
    public async Task<JsonObject> LeftAsync(SyncRequest request, SyncMembership membership,
        IReadOnlyList<AccountDataChange> roomAccountData, CancellationToken cancellationToken)
    {
        var room = Reader(request.Requester, membership, RoomReadKind.Departed);
        var recent = await timeline.GetRecentAsync(room, membership.StreamOrdering, request.Since?.Events,
            request.Filter.TimelineLimit, request.Filter.Timeline, cancellationToken);
        var start = recent.Events.Count > 0 ? recent.Events[0].StreamOrdering!.Value - 1 : membership.StreamOrdering;
        var state = await StateAsync(room.RoomId, start, null, recent.Events, request, cancellationToken);
        return new JsonObject
        {
            ["timeline"] = await TimelineAsync(recent, request.Requester, cancellationToken),
            ["state"] = Events(await access.FormatAsync(state, request.Requester, cancellationToken)),
            ["account_data"] = SyncService.AccountDataEvents(roomAccountData, request.Filter.RoomAccountData),
        };
    }

    /// <summary>An invite: stripped state of the room as of the invite, with the invite itself.</summary>
    public async Task<JsonObject> InvitedAsync(SyncMembership membership, CancellationToken cancellationToken)
    {
        var state = await reader.GetStateIdsAfterAsync(membership.EventId, cancellationToken);
        var ids = state.Where(p => p.Key.StateKey.Length == 0 && StrippedStateTypes.Contains(p.Key.Type))
            .Select(p => p.Value).Append(membership.EventId).ToHashSet(StringComparer.Ordinal);
        var events = await reader.GetEventsAsync(ids, cancellationToken);
        var stripped = new JsonArray();
        foreach (var e in events)
        {
            stripped.Add(new JsonObject
            {
                ["type"] = e.Pdu.Type,
                ["state_key"] = e.Pdu.StateKey,
                ["sender"] = e.Pdu.Sender,
                ["content"] = JsonNode.Parse(e.Pdu.Content.GetRawText()),
            });
        }

        return new JsonObject { ["invite_state"] = new JsonObject { ["events"] = stripped } };
    }

    private static RoomReader Reader(Requester requester, SyncMembership m, RoomReadKind kind) =>
        new(m.RoomId, requester.UserId.Value, kind,
            new MembershipRow(m.Membership, m.EventId, m.StreamOrdering, m.Forgotten));

    private async Task<JsonObject> TimelineAsync(
        (IReadOnlyList<StoredEvent> Events, bool Limited, long PrevBatch) recent, Requester requester,
        CancellationToken cancellationToken) => new()
    {
        ["events"] = await access.FormatAsync(recent.Events, requester, cancellationToken),
        ["limited"] = recent.Limited,
        ["prev_batch"] = StreamToken.Format(recent.PrevBatch),
    };

    /// <summary>
    /// The state at <paramref name="start"/> (just after that stream position) passing the state filter, less what
    /// was already the state at <paramref name="known"/>; with lazy loading, of members only the timeline's senders
    /// (whether or not they changed) and the user's own when it changed.
    /// </summary>
    private async Task<IReadOnlyList<StoredEvent>> StateAsync(string roomId, long start, long? known,
        IReadOnlyList<StoredEvent> timelineEvents, SyncRequest request, CancellationToken cancellationToken)
    {
        var filter = request.Filter.State;
        var current = await StateIdsAtAsync(roomId, start, cancellationToken);
        var previous = known is null ? null : await StateIdsAtAsync(roomId, known.Value, cancellationToken);
        var self = request.Requester.UserId.Value;
        var senders = timelineEvents.Select(e => e.Pdu.Sender).ToHashSet(StringComparer.Ordinal);
        var inTimeline = timelineEvents.Select(e => e.Pdu.EventId).ToHashSet(StringComparer.Ordinal);
        var ids = new List<string>();
        foreach (var (key, eventId) in current)
        {
            var changed = previous is null ||
                          !string.Equals(previous.GetValueOrDefault(key), eventId, StringComparison.Ordinal);
            var wanted = filter.LazyLoadMembers && key.Type == EventTypes.Member
                ? !inTimeline.Contains(eventId) && (senders.Contains(key.StateKey) || (key.StateKey == self && changed))
                : changed;
            if (wanted)
            {
                ids.Add(eventId);
            }
        }

        return (await reader.GetEventsAsync(ids, cancellationToken)).Where(e => filter.Matches(e.Pdu)).ToList();
    }

    private async Task<IReadOnlyDictionary<TypeAndStateKey, string>> StateIdsAtAsync(string roomId, long stream,
        CancellationToken cancellationToken) =>
        await history.GetLastEventIdAtAsync(roomId, stream, cancellationToken) is { } eventId
            ? await reader.GetStateIdsAfterAsync(eventId, cancellationToken)
            : new Dictionary<TypeAndStateKey, string>();

    /// <summary>m.heroes (up to five other members, joined or invited, else those who left) and member counts.</summary>
    private async Task<JsonObject> SummaryAsync(string roomId, string userId, long now,
        CancellationToken cancellationToken)
    {
        var state = await StateIdsAtAsync(roomId, now, cancellationToken);
        var memberIds = state.Where(p => p.Key.Type == EventTypes.Member).Select(p => p.Value).ToList();
        var members = (await reader.GetEventsAsync(memberIds, cancellationToken))
            .Select(e => (UserId: e.Pdu.StateKey!, e.Pdu.Membership, e.StreamOrdering))
            .OrderBy(m => m.StreamOrdering).ToList();
        var present = members.Where(m => m.Membership is Memberships.Join or Memberships.Invite).ToList();
        var heroes = present.Where(m => m.UserId != userId).Select(m => m.UserId).Take(MaxHeroes).ToList();
        if (heroes.Count == 0)
        {
            heroes = members.Where(m => m.UserId != userId).Select(m => m.UserId).Take(MaxHeroes).ToList();
        }

        return new JsonObject
        {
            ["m.heroes"] = new JsonArray(heroes.Select(h => (JsonNode?)h).ToArray()),
            ["m.joined_member_count"] = present.Count(m => m.Membership == Memberships.Join),
            ["m.invited_member_count"] = present.Count(m => m.Membership == Memberships.Invite),
        };
    }

    internal static JsonObject Events(JsonArray events) => new() { ["events"] = events };
}
