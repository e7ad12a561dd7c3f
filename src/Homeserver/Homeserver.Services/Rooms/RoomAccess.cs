using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Services.Accounts;

namespace Homeserver.Services.Rooms;

/// <summary>How a user may read a room.</summary>
public enum RoomReadKind
{
    /// <summary>Joined now: current state, history as visibility allows.</summary>
    Joined,

    /// <summary>Left (and not forgotten): state as it was when they left, history as visibility allows.</summary>
    Departed,

    /// <summary>Not a member of a world_readable room: current state, world_readable history.</summary>
    Peeking,
}

/// <summary>The requester's access to a room: its kind and, for a departed user, their leave event.</summary>
/// <param name="MembershipCoversReads">True when <paramref name="Membership"/> was read after every event this
/// reader will be given was persisted (so a join in it holds for all of them after the join): /sync reads
/// memberships after the stream positions it reads up to.</param>
/// <param name="Ignoring">The users the reader ignores, when the caller already read them (one read per /sync rather
/// than one per room).</param>
public sealed record RoomReader(string RoomId, string UserId, RoomReadKind Kind, MembershipRow? Membership,
    bool MembershipCoversReads = false, IReadOnlySet<string>? Ignoring = null);

/// <summary>
/// Who may read a room and which of its events they may see: the spec's history visibility rules evaluated with the
/// state after each event, and formatting for clients (with <c>prev_content</c> of replaced state).
/// </summary>
public sealed class RoomAccess(IRoomEventReader reader, IRoomHistoryReader history, ClientEventFormatter formatter,
    BundledAggregations bundles, IgnoredUsers ignoredUsers)
{
    private static readonly TypeAndStateKey VisibilityKey = new(EventTypes.HistoryVisibility, "");

    /// <summary>Whether the requester may read the room at all: joined, departed and not forgotten, or peeking into
    /// a world_readable room. Throws M_FORBIDDEN otherwise (also for rooms this server does not know).</summary>
    public async Task<RoomReader> RequireReaderAsync(Requester requester, string roomId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var userId = requester.UserId.Value;
        var membership = await history.GetMembershipAsync(roomId, userId, cancellationToken);
        if (membership?.Membership == Memberships.Join)
        {
            return new RoomReader(roomId, userId, RoomReadKind.Joined, membership);
        }

        if (membership is { Membership: Memberships.Leave, Forgotten: false })
        {
            return new RoomReader(roomId, userId, RoomReadKind.Departed, membership);
        }

        if (await CurrentVisibilityAsync(roomId, cancellationToken) == HistoryVisibility.WorldReadable)
        {
            return new RoomReader(roomId, userId, RoomReadKind.Peeking, membership);
        }

        throw new MatrixException(ErrorCode.Forbidden, "You are not in this room and it is not world-readable");
    }

    /// <summary>Whether the requester may read the room (joined, departed and not forgotten, or peeking).</summary>
    public async Task<bool> CanReadAsync(Requester requester, string roomId, CancellationToken cancellationToken)
    {
        try
        {
            await RequireReaderAsync(requester, roomId, cancellationToken);
            return true;
        }
        catch (MatrixException e) when (e.Code == ErrorCode.Forbidden)
        {
            return false;
        }
    }

    /// <summary>Throws <paramref name="code"/> when the user may not read the room.</summary>
    public async Task RequireCanReadAsync(Requester requester, string roomId, ErrorCode code, string message,
        CancellationToken cancellationToken)
    {
        if (!await CanReadAsync(requester, roomId, cancellationToken))
        {
            throw new MatrixException(code, message);
        }
    }

    /// <summary>The room's current history visibility ("shared" when unset).</summary>
    public async Task<string> CurrentVisibilityAsync(string roomId, CancellationToken cancellationToken)
    {
        var stored = await history.GetCurrentStateEventAsync(roomId, EventTypes.HistoryVisibility, "", cancellationToken);
        return HistoryVisibility.Normalise(stored?.Pdu.ContentString("history_visibility"));
    }

    /// <summary>The events of <paramref name="events"/> the user may see, in the same order.</summary>
    public async Task<IReadOnlyList<StoredEvent>> FilterVisibleAsync(RoomReader room, IReadOnlyList<StoredEvent> events,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(room);
        ArgumentNullException.ThrowIfNull(events);
        // Messages from users the reader ignores (m.ignored_user_list) are never shown; their state still counts.
        var ignored = room.Ignoring ??
                      await ignoredUsers.GetAsync(Core.Identifiers.UserId.Parse(room.UserId), cancellationToken);
        var candidates = events.Where(e => e.StreamOrdering is not null && e.Pdu.RoomId == room.RoomId &&
                                           (e.Pdu.IsState || !ignored.Contains(e.Pdu.Sender))).ToList();
        if (candidates.Count == 0)
        {
            return [];
        }

        // Joined since before all of them: a member sees every event while joined, whatever the history visibility.
        if (room is { MembershipCoversReads: true, Membership: { Membership: Memberships.Join } joined } &&
            candidates.TrueForAll(e => e.StreamOrdering > joined.StreamOrdering))
        {
            return candidates;
        }

        var memberKey = new TypeAndStateKey(EventTypes.Member, room.UserId);
        var states = await history.GetStateIdsAfterAsync(candidates.Select(e => e.Pdu.EventId).ToList(),
            [VisibilityKey, memberKey], cancellationToken);

        // The events whose content decides: visibility and membership in effect, and what own member and
        // history_visibility events replaced (either side of such an event decides).
        var deciding = new HashSet<string>(StringComparer.Ordinal);
        foreach (var state in states.Values)
        {
            deciding.UnionWith(state.Values);
        }

        foreach (var e in candidates)
        {
            if (e.ReplacesState is not null && (IsVisibilityEvent(e.Pdu) || IsOwnMember(e.Pdu, room.UserId)))
            {
                deciding.Add(e.ReplacesState);
            }
        }

        var loaded = (await reader.GetEventsAsync(deciding, cancellationToken))
            .ToDictionary(e => e.Pdu.EventId, e => e.Pdu, StringComparer.Ordinal);
        var joins = (await history.GetMembershipChangesAsync(room.RoomId, room.UserId, cancellationToken))
            .Where(c => c.Membership == Memberships.Join).Select(c => c.StreamOrdering).ToList();

        var visible = new List<StoredEvent>(candidates.Count);
        foreach (var e in candidates)
        {
            var state = states.GetValueOrDefault(e.Pdu.EventId);
            var visibility = VisibilityOf(Lookup(state, VisibilityKey, loaded));
            var membership = Lookup(state, memberKey, loaded)?.Membership ?? Memberships.Leave;
            var replaced = e.ReplacesState is null ? null : loaded.GetValueOrDefault(e.ReplacesState);
            if (IsVisibilityEvent(e.Pdu))
            {
                visibility = HistoryVisibility.MorePermissive(visibility, VisibilityOf(replaced));
            }

            if (IsOwnMember(e.Pdu, room.UserId))
            {
                membership = HistoryVisibility.MoreAble(membership, replaced?.Membership ?? Memberships.Leave);
            }

            var joinedLater = joins.Exists(j => j > e.StreamOrdering);
            if (HistoryVisibility.Allows(visibility, membership, joinedLater))
            {
                visible.Add(e);
            }
        }

        return visible;
    }

    /// <summary>Events in the client format, with <c>prev_content</c> and <c>prev_sender</c> of the state they replaced.</summary>
    public async Task<JsonArray> FormatAsync(IReadOnlyList<StoredEvent> events, Requester requester,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var replacedIds = events.Where(e => e.ReplacesState is not null).Select(e => e.ReplacesState!).ToHashSet(StringComparer.Ordinal);
        var replaced = replacedIds.Count == 0
            ? new Dictionary<string, Pdu>(StringComparer.Ordinal)
            : (await reader.GetEventsAsync(replacedIds, cancellationToken))
                .ToDictionary(e => e.Pdu.EventId, e => e.Pdu, StringComparer.Ordinal);
        var aggregations = await bundles.GetAsync(events, requester, cancellationToken);
        return new JsonArray(events.Select(e => (JsonNode?)BundledAggregations.Attach(formatter.Format(e, requester,
                e.ReplacesState is null ? null : replaced.GetValueOrDefault(e.ReplacesState)),
            aggregations.GetValueOrDefault(e.Pdu.EventId))).ToArray());
    }

    public async Task<JsonObject> FormatAsync(StoredEvent stored, Requester requester, CancellationToken cancellationToken)
    {
        var formatted = await FormatAsync([stored], requester, cancellationToken);
        var single = (JsonObject)formatted[0]!;
        formatted.RemoveAt(0); // detached, so callers may place it in another document
        return single;
    }

    private static Pdu? Lookup(IReadOnlyDictionary<TypeAndStateKey, string>? state, TypeAndStateKey key,
        Dictionary<string, Pdu> loaded) =>
        state is not null && state.TryGetValue(key, out var id) ? loaded.GetValueOrDefault(id) : null;

    private static string VisibilityOf(Pdu? visibilityEvent) =>
        HistoryVisibility.Normalise(visibilityEvent?.ContentString("history_visibility"));

    private static bool IsVisibilityEvent(Pdu pdu) => pdu.IsType(EventTypes.HistoryVisibility, "");

    private static bool IsOwnMember(Pdu pdu, string userId) => pdu.IsType(EventTypes.Member, userId);
}
