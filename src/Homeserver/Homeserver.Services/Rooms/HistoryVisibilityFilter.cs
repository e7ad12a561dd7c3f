using Homeserver.Core.Events;
using Homeserver.Services.Accounts;

namespace Homeserver.Services.Rooms;

/// <summary>
/// Which events a reader may see: the spec's history visibility rules evaluated with the state after each event
/// (history_visibility and the reader's membership there) and whether they joined later; messages from users they
/// ignore are left out. Events of erased senders are returned pruned (<see cref="ErasedSenderEvents"/>) to a reader
/// who was not joined when they were sent, as Synapse's <c>filter_events_for_client</c> does: callers must use the
/// events returned, not the ones they passed in.
/// </summary>
public sealed class HistoryVisibilityFilter(IRoomEventReader reader, IRoomHistoryReader history,
    IgnoredUsers ignoredUsers, IErasedUserReader erasedUsers)
{
    private static readonly TypeAndStateKey VisibilityKey = new(EventTypes.HistoryVisibility, "");

    private const int DecidingCapacity = 50_000;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Pdu> _deciding =
        new(StringComparer.Ordinal);

    /// <summary>The events of <paramref name="events"/> the user may see, in the same order.</summary>
    public async Task<IReadOnlyList<StoredEvent>> FilterAsync(RoomReader room, IReadOnlyList<StoredEvent> events,
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

        // A server admin reading a public or world_readable room sees its history as if it were world_readable.
        if (room.Kind == RoomReadKind.Admin)
        {
            return candidates;
        }

        // Joined since before all of them: a member sees every event while joined, whatever the history visibility.
        if (room is { MembershipCoversReads: true, Membership: { Membership: Memberships.Join } joined } &&
            candidates.TrueForAll(e => e.StreamOrdering > joined.StreamOrdering))
        {
            return candidates;
        }

        var erased = await erasedUsers.GetErasedAsync(
            candidates.Select(e => e.Pdu.Sender).ToHashSet(StringComparer.Ordinal), cancellationToken);
        if (erased.Count == 0 && await VisibleWhateverTheMembershipAsync(room, candidates, cancellationToken))
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

        var loaded = await LoadDecidingAsync(deciding, cancellationToken);
        var joins = (await history.GetMembershipChangesAsync(room.RoomId, room.UserId, cancellationToken))
            .Where(c => c.Membership == Memberships.Join).Select(c => c.StreamOrdering).ToList();

        var visible = new List<StoredEvent>(candidates.Count);
        foreach (var e in candidates)
        {
            var state = states.GetValueOrDefault(e.Pdu.EventId);
            var visibility = VisibilityAt(e, state, loaded);
            var membership = Lookup(state, memberKey, loaded)?.Membership ?? Memberships.Leave;
            var replaced = e.ReplacesState is null ? null : loaded.GetValueOrDefault(e.ReplacesState);

            if (IsOwnMember(e.Pdu, room.UserId))
            {
                membership = HistoryVisibility.MoreAble(membership, replaced?.Membership ?? Memberships.Leave);
            }

            var joinedLater = joins.Exists(j => j > e.StreamOrdering);
            if (!HistoryVisibility.Allows(visibility, membership, joinedLater))
            {
                continue;
            }

            // An erased sender's event stays whole only for those who were joined when it was sent.
            visible.Add(erased.Contains(e.Pdu.Sender) && membership != Memberships.Join
                ? ErasedSenderEvents.Prune(e)
                : e);
        }

        return visible;
    }

    /// <summary>
    /// Whether history visibility alone shows every one of <paramref name="events"/>: world_readable, or shared to a
    /// reader joined now. The visibility in effect at an event is the same for every reader (remembered per state
    /// group); the reader's own membership there, a lookup per reader and event, is then not needed.
    /// </summary>
    private async Task<bool> VisibleWhateverTheMembershipAsync(RoomReader room, IReadOnlyList<StoredEvent> events,
        CancellationToken cancellationToken)
    {
        var joinedNow = room.Membership?.Membership == Memberships.Join;
        var states = await history.GetStateIdsAfterAsync(events.Select(e => e.Pdu.EventId).ToList(), [VisibilityKey],
            cancellationToken);
        var deciding = states.Values.SelectMany(state => state.Values)
            .Concat(events.Where(e => e.ReplacesState is not null && IsVisibilityEvent(e.Pdu)).Select(e => e.ReplacesState!))
            .ToHashSet(StringComparer.Ordinal);
        var loaded = await LoadDecidingAsync(deciding, cancellationToken);
        foreach (var e in events)
        {
            var visibility = VisibilityAt(e, states.GetValueOrDefault(e.Pdu.EventId), loaded);
            if (visibility != HistoryVisibility.WorldReadable && !(visibility == HistoryVisibility.Shared && joinedNow))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The history_visibility and member events that decide, by ID. Only their <c>history_visibility</c> and
    /// <c>membership</c> are read, which redaction keeps, so they are remembered: every page and pass of a busy room
    /// asks for the same few.
    /// </summary>
    private async Task<Dictionary<string, Pdu>> LoadDecidingAsync(HashSet<string> ids,
        CancellationToken cancellationToken)
    {
        var loaded = new Dictionary<string, Pdu>(ids.Count, StringComparer.Ordinal);
        List<string>? unknown = null;
        foreach (var id in ids)
        {
            if (_deciding.TryGetValue(id, out var known))
            {
                loaded[id] = known;
            }
            else
            {
                (unknown ??= []).Add(id);
            }
        }

        if (unknown is null)
        {
            return loaded;
        }

        if (_deciding.Count + unknown.Count > DecidingCapacity)
        {
            _deciding.Clear();
        }

        foreach (var e in await reader.GetEventsAsync(unknown, cancellationToken))
        {
            loaded[e.Pdu.EventId] = e.Pdu;
            if (IsVisibilityEvent(e.Pdu) || e.Pdu.Type == EventTypes.Member)
            {
                _deciding[e.Pdu.EventId] = e.Pdu;
            }
        }

        return loaded;
    }

    /// <summary>The history visibility in effect for <paramref name="e"/>: the state's, or for a visibility event
    /// the more permissive of it and the one it replaced (either side of such an event decides).</summary>
    private static string VisibilityAt(StoredEvent e, IReadOnlyDictionary<TypeAndStateKey, string>? state,
        Dictionary<string, Pdu> loaded)
    {
        var visibility = VisibilityOf(Lookup(state, VisibilityKey, loaded));
        if (!IsVisibilityEvent(e.Pdu))
        {
            return visibility;
        }

        var replaced = e.ReplacesState is null ? null : loaded.GetValueOrDefault(e.ReplacesState);
        return HistoryVisibility.MorePermissive(visibility, VisibilityOf(replaced));
    }

    private static Pdu? Lookup(IReadOnlyDictionary<TypeAndStateKey, string>? state, TypeAndStateKey key,
        Dictionary<string, Pdu> loaded) =>
        state is not null && state.TryGetValue(key, out var id) ? loaded.GetValueOrDefault(id) : null;

    private static string VisibilityOf(Pdu? visibilityEvent) =>
        HistoryVisibility.Normalise(visibilityEvent?.ContentString("history_visibility"));

    private static bool IsVisibilityEvent(Pdu pdu) => pdu.IsType(EventTypes.HistoryVisibility, "");

    private static bool IsOwnMember(Pdu pdu, string userId) => pdu.IsType(EventTypes.Member, userId);
}
