using System.Text.Json.Nodes;
using Homeserver.Core.Events;
using Homeserver.Services.Accounts;
using Homeserver.Services.Push;
using Homeserver.Services.Rooms;

namespace Homeserver.Services.Sync.Sliding;

/// <summary>What one pass knows that every room entry needs.</summary>
/// <param name="LazyDevice">The key lazily loaded members are remembered under: the device and the connection.</param>
/// <param name="OwnReceiptRooms">Rooms where the user's own receipts moved since <paramref name="From"/> (their
/// unread counts may have changed).</param>
public sealed record SlidingPass(Requester Requester, string LazyDevice, SyncToken? From, SyncToken Now,
    long? PositionsReadAt, IReadOnlySet<string>? Ignoring, SyncUnreadCounts Unread, IReadOnlySet<string> OwnReceiptRooms);

/// <summary>A room to consider: its row, the combined config of the rules it matched, what was sent of it before.</summary>
public sealed record SlidingRoomWork(SlidingRoomRow Row, SlidingRoomConfig Config, SentRoom? Sent,
    IReadOnlyList<string> Lists, bool IsDm)
{
    /// <summary>Sent afresh: never sent on the connection, or the membership changed since (an invite accepted).</summary>
    public bool Initial => Sent is null || Sent.Membership != Row.Membership;
}

/// <summary>
/// One room of a sliding sync response (MSC4186 <c>RoomResult</c>): for joined and departed rooms the timeline since
/// the room was last sent (history visibility applied by <see cref="RoomTimelineService"/>), the required state that
/// changed, lazily loaded members, name, avatar, heroes, counts; for invites and knocks the stripped state.
/// </summary>
public sealed class SlidingRoomBuilder(IRoomEventReader reader, IRoomHistoryReader history, RoomAccess access,
    RoomTimelineService timeline, SyncRoomBuilder v2Rooms, SyncRoomSummaries summaries, LazyMembersSent lazyMembers)
{
    private static readonly TypeAndStateKey NameKey = new("m.room.name", "");
    private static readonly TypeAndStateKey AvatarKey = new("m.room.avatar", "");

    /// <summary>The room's entry (null when nothing changed) and the event position it is now sent up to.</summary>
    public async Task<(JsonObject? Entry, long SentUpTo)> BuildAsync(SlidingPass pass, SlidingRoomWork work,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pass);
        ArgumentNullException.ThrowIfNull(work);
        var row = work.Row;
        if (row.Membership is Memberships.Invite or Memberships.Knock)
        {
            return (work.Initial || row.StreamOrdering > work.Sent!.SentUpTo
                ? await StrippedAsync(work, cancellationToken)
                : null, row.StreamOrdering);
        }

        var joined = row.Membership == Memberships.Join;
        var upTo = joined ? pass.Now.Events : Math.Min(row.StreamOrdering, pass.Now.Events);
        var initial = work.Initial;
        var sent = work.Sent;
        var fingerprint = work.Config.RequiredState.Fingerprint();
        var expanded = !initial && work.Config.TimelineLimit > sent!.TimelineLimit;
        var stateAsked = !initial && !string.Equals(sent!.RequiredState, fingerprint, StringComparison.Ordinal);
        var countsChanged = joined && pass.OwnReceiptRooms.Contains(row.RoomId);
        var after = initial || expanded ? (long?)null : sent!.SentUpTo;
        if (after >= upTo && !stateAsked && !countsChanged)
        {
            return (null, sent!.SentUpTo);
        }

        var userId = pass.Requester.UserId.Value;
        var room = new RoomReader(row.RoomId, userId, joined ? RoomReadKind.Joined : RoomReadKind.Departed,
            new MembershipRow(row.Membership, row.EventId, row.StreamOrdering, row.Forgotten), MembershipCoversReads: true,
            Ignoring: pass.Ignoring, ReadsUpTo: upTo, SharesReadsFrom: pass.PositionsReadAt);
        var recent = await timeline.GetRecentAsync(room, upTo, after, work.Config.TimelineLimit, RoomEventFilter.None,
            cancellationToken, pass.PositionsReadAt);
        var current = joined
            ? await StateIdsAtAsync(row.RoomId, upTo, cancellationToken)
            : await reader.GetStateIdsAfterAsync(row.EventId, cancellationToken);
        var previous = initial || stateAsked ? null
            : sent!.SentUpTo >= upTo ? current
            : await StateIdsAtAsync(row.RoomId, sent.SentUpTo, cancellationToken);
        var state = RequiredState(work.Config.RequiredState, current, previous, userId);
        var lazy = LazyMembers(pass, work, recent.Events, current, state.Wanted, initial || stateAsked);
        var nameChanged = Changed(NameKey, current, previous);
        var avatarChanged = Changed(AvatarKey, current, previous);
        var membersChanged = initial || recent.Limited || recent.Events.Any(e => e.Pdu.Type == EventTypes.Member);
        if (!initial && recent.Events.Count == 0 && state.Wanted.Count == 0 && state.Removed.Count == 0 &&
            lazy.Count == 0 && !countsChanged && !nameChanged && !avatarChanged)
        {
            return (null, upTo);
        }

        var ids = state.Wanted.Values.Concat(lazy).Concat(Id(NameKey, current, nameChanged))
            .Concat(Id(AvatarKey, current, avatarChanged)).ToHashSet(StringComparer.Ordinal);
        var events = (await reader.GetEventsAsync(ids, cancellationToken))
            .ToDictionary(e => e.Pdu.EventId, StringComparer.Ordinal);
        var entry = Common(work, initial);
        if (nameChanged)
        {
            entry["name"] = Text(events, current, NameKey, "name");
        }

        if (avatarChanged)
        {
            entry["avatar"] = Text(events, current, AvatarKey, "url");
        }

        if (work.IsDm)
        {
            entry["is_dm"] = true;
        }

        if (expanded)
        {
            entry["expanded_timeline"] = true;
            entry["unstable_expanded_timeline"] = true;
        }

        var stateEvents = state.Wanted.Values.Concat(lazy).Distinct(StringComparer.Ordinal)
            .Select(events.GetValueOrDefault).OfType<StoredEvent>().ToList();
        var requiredState = await access.FormatAsync(stateEvents, room, pass.Requester, cancellationToken);
        foreach (var key in state.Removed)
        {
            requiredState.Add(new JsonObject { ["type"] = key.Type, ["state_key"] = key.StateKey });
        }

        entry["required_state"] = WithoutRoomIds(requiredState);
        entry["timeline"] = WithoutRoomIds(await access.FormatAsync(recent.Events, room, pass.Requester, cancellationToken));
        entry["limited"] = recent.Limited;
        entry["prev_batch"] = StreamToken.Format(recent.PrevBatch);
        entry["num_live"] = pass.From is { } from ? recent.Events.Count(e => e.StreamOrdering > from.Events) : 0;
        if (membersChanged)
        {
            await AddMembersAsync(entry, row.RoomId, userId, current, pass.PositionsReadAt,
                initial || nameChanged ? NameOf(events, current) is null : !current.ContainsKey(NameKey), cancellationToken);
        }

        if (joined)
        {
            var counts = (await pass.Unread.ForRoomAsync(row.RoomId, cancellationToken))
                .Where(c => c.ThreadId == PushActionEvaluator.MainThread).ToList();
            entry["notification_count"] = counts.Sum(c => c.Notifications);
            entry["highlight_count"] = counts.Sum(c => c.Highlights);
        }

        return (entry, upTo);
    }

    private async Task<JsonObject> StrippedAsync(SlidingRoomWork work, CancellationToken cancellationToken)
    {
        var stripped = await v2Rooms.StrippedAsync(work.Row.AsMembership(), "invite_state", cancellationToken);
        var events = stripped["invite_state"]!["events"]!.AsArray();
        var entry = Common(work, initial: true);
        entry["invite_state"] = events.DeepClone();
        entry["stripped_state"] = events.DeepClone();
        if (work.IsDm)
        {
            entry["is_dm"] = true;
        }

        return entry;
    }

    private static JsonObject Common(SlidingRoomWork work, bool initial)
    {
        var entry = new JsonObject
        {
            ["membership"] = work.Row.Membership,
            ["bump_stamp"] = work.Row.SortStamp,
        };
        if (initial)
        {
            entry["initial"] = true;
        }

        if (work.Lists.Count > 0)
        {
            entry["lists"] = new JsonArray(work.Lists.Select(l => (JsonNode?)l).ToArray());
        }

        return entry;
    }

    /// <summary>The asked-for entries that differ from <paramref name="previous"/> (all of them when null), and those
    /// asked for that are gone.</summary>
    internal static (Dictionary<TypeAndStateKey, string> Wanted, List<TypeAndStateKey> Removed) RequiredState(
        RequiredStateSpec spec, IReadOnlyDictionary<TypeAndStateKey, string> current,
        IReadOnlyDictionary<TypeAndStateKey, string>? previous, string userId)
    {
        var wanted = new Dictionary<TypeAndStateKey, string>();
        var removed = new List<TypeAndStateKey>();
        if (ReferenceEquals(previous, current))
        {
            return (wanted, removed);
        }

        foreach (var (key, eventId) in spec.Select(current, userId))
        {
            if (previous is null || !string.Equals(previous.GetValueOrDefault(key), eventId, StringComparison.Ordinal))
            {
                wanted[key] = eventId;
            }
        }

        if (previous is not null)
        {
            removed.AddRange(spec.Select(previous, userId).Select(p => p.Key).Where(k => !current.ContainsKey(k)));
        }

        return (wanted, removed);
    }

    /// <summary>With lazy members: the member events of the timeline's senders and targets the connection was not
    /// sent yet (MSC4186 "Lazy loaded memberships").</summary>
    private List<string> LazyMembers(SlidingPass pass, SlidingRoomWork work, IReadOnlyList<StoredEvent> events,
        IReadOnlyDictionary<TypeAndStateKey, string> current, Dictionary<TypeAndStateKey, string> wanted, bool fresh)
    {
        if (!work.Config.RequiredState.LazyMembers)
        {
            return [];
        }

        var (userId, roomId) = (pass.Requester.UserId.Value, work.Row.RoomId);
        if (fresh)
        {
            lazyMembers.Reset(userId, pass.LazyDevice, roomId);
        }

        var users = events.Select(e => e.Pdu.Sender)
            .Concat(events.Where(e => e.Pdu.Type == EventTypes.Member && e.Pdu.StateKey is not null)
                .Select(e => e.Pdu.StateKey!))
            .ToHashSet(StringComparer.Ordinal);
        var ids = users.Select(u => new TypeAndStateKey(EventTypes.Member, u))
            .Where(k => !wanted.ContainsKey(k) && current.ContainsKey(k)).Select(k => current[k])
            .Where(id => !lazyMembers.WasSent(userId, pass.LazyDevice, roomId, id)).ToList();
        lazyMembers.MarkSent(userId, pass.LazyDevice, roomId,
            ids.Concat(wanted.Where(w => w.Key.Type == EventTypes.Member).Select(w => w.Value)));
        return ids;
    }

    /// <summary>Heroes (when the room has no name), joined and invited counts.</summary>
    private async Task AddMembersAsync(JsonObject entry, string roomId, string userId,
        IReadOnlyDictionary<TypeAndStateKey, string> current, long? positionsReadAt, bool withHeroes,
        CancellationToken cancellationToken)
    {
        var summary = await summaries.GetAsync(roomId, userId, positionsReadAt, cancellationToken);
        entry["joined_count"] = summary["m.joined_member_count"]!.GetValue<int>();
        entry["invited_count"] = summary["m.invited_member_count"]!.GetValue<int>();
        if (!withHeroes)
        {
            return;
        }

        var heroIds = summary["m.heroes"]!.AsArray().Select(h => h!.GetValue<string>()).ToList();
        var memberIds = heroIds.Select(h => current.GetValueOrDefault(new TypeAndStateKey(EventTypes.Member, h)))
            .OfType<string>().ToList();
        var members = (await reader.GetEventsAsync(memberIds, cancellationToken))
            .ToDictionary(e => e.Pdu.StateKey ?? "", StringComparer.Ordinal);
        var heroes = new JsonArray();
        foreach (var hero in heroIds)
        {
            var item = new JsonObject { ["user_id"] = hero };
            if (members.GetValueOrDefault(hero)?.Pdu is { } member)
            {
                if (member.ContentString("displayname") is { Length: > 0 } name)
                {
                    item["displayname"] = name;
                }

                if (member.ContentString("avatar_url") is { Length: > 0 } avatar)
                {
                    item["avatar_url"] = avatar;
                }
            }

            heroes.Add(item);
        }

        entry["heroes"] = heroes;
    }

    private static bool Changed(TypeAndStateKey key, IReadOnlyDictionary<TypeAndStateKey, string> current,
        IReadOnlyDictionary<TypeAndStateKey, string>? previous) =>
        previous is null
            ? current.ContainsKey(key)
            : !ReferenceEquals(previous, current) &&
              !string.Equals(previous.GetValueOrDefault(key), current.GetValueOrDefault(key), StringComparison.Ordinal);

    private static IEnumerable<string> Id(TypeAndStateKey key, IReadOnlyDictionary<TypeAndStateKey, string> current,
        bool wanted) => wanted && current.TryGetValue(key, out var id) ? [id] : [];

    private static string? NameOf(Dictionary<string, StoredEvent> events,
        IReadOnlyDictionary<TypeAndStateKey, string> current) =>
        current.TryGetValue(NameKey, out var id) && events.GetValueOrDefault(id)?.Pdu.ContentString("name") is
            { Length: > 0 } name ? name : null;

    /// <summary>A string field of a state event's content; null when the event or the field is gone.</summary>
    private static string? Text(Dictionary<string, StoredEvent> events, IReadOnlyDictionary<TypeAndStateKey, string> current,
        TypeAndStateKey key, string field) =>
        current.TryGetValue(key, out var id) && events.GetValueOrDefault(id)?.Pdu.ContentString(field) is
            { Length: > 0 } text ? text : null;

    private static JsonArray WithoutRoomIds(JsonArray events)
    {
        foreach (var e in events)
        {
            (e as JsonObject)?.Remove("room_id");
        }

        return events;
    }

    private async Task<IReadOnlyDictionary<TypeAndStateKey, string>> StateIdsAtAsync(string roomId, long stream,
        CancellationToken cancellationToken) =>
        await history.GetLastEventIdAtAsync(roomId, stream, cancellationToken) is { } eventId
            ? await reader.GetStateIdsAfterAsync(eventId, cancellationToken)
            : new Dictionary<TypeAndStateKey, string>();
}
