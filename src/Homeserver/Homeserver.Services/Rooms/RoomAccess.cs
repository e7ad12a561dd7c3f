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

    /// <summary>A server admin without a membership, in a public or world_readable room (docs/LIVE.md, "Hidden admin
    /// presence"): current state and the whole history, as if it had always been world_readable. Nothing is
    /// written: members never see them.</summary>
    Admin,
}

/// <summary>The requester's access to a room: its kind and, for a departed user, their leave event.</summary>
/// <param name="MembershipCoversReads">True when <paramref name="Membership"/> was read after every event this
/// reader will be given was persisted (so a join in it holds for all of them after the join): /sync reads
/// memberships after the stream positions it reads up to.</param>
/// <param name="Ignoring">The users the reader ignores, when the caller already read them (one read per /sync rather
/// than one per room).</param>
/// <param name="ReadsUpTo">The newest stream position this read covers, when it has one (/sync's): bundled
/// aggregations leave out relations after it.</param>
/// <param name="SharesReadsFrom">A <see cref="System.Diagnostics.Stopwatch"/> timestamp after which every event this read
/// must show was visible (up to <paramref name="ReadsUpTo"/> for /sync; what was there when the request came for
/// /messages): reads that are the same for every reader and started after it may be shared with other requests.</param>
public sealed record RoomReader(string RoomId, string UserId, RoomReadKind Kind, MembershipRow? Membership,
    bool MembershipCoversReads = false, IReadOnlySet<string>? Ignoring = null, long? ReadsUpTo = null,
    long? SharesReadsFrom = null);

/// <summary>
/// Who may read a room and which of its events they may see: the spec's history visibility rules evaluated with the
/// state after each event, and formatting for clients (with <c>prev_content</c> of replaced state).
/// </summary>
public sealed class RoomAccess(IRoomEventReader reader, IRoomHistoryReader history, ClientEventFormatter formatter,
    BundledAggregations bundles, HistoryVisibilityFilter visibility)
{
    /// <summary>Whether the requester may read the room at all: joined, a server admin in a public or world_readable
    /// room, departed and not forgotten, or peeking into a world_readable room. Throws M_FORBIDDEN otherwise (also for rooms this server does not know).</summary>
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

        if (requester.IsAdmin && await IsOpenToAdminsAsync(roomId, cancellationToken))
        {
            return new RoomReader(roomId, userId, RoomReadKind.Admin, membership);
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

    // Hidden admin presence: public (join_rules public) and world_readable rooms, never invite-only private ones.
    private async Task<bool> IsOpenToAdminsAsync(string roomId, CancellationToken cancellationToken)
    {
        var joinRules = await history.GetCurrentStateEventAsync(roomId, EventTypes.JoinRules, "", cancellationToken);
        return joinRules?.Pdu.ContentString("join_rule") == "public" ||
               await CurrentVisibilityAsync(roomId, cancellationToken) == HistoryVisibility.WorldReadable;
    }

    /// <summary>The room's current history visibility ("shared" when unset).</summary>
    public async Task<string> CurrentVisibilityAsync(string roomId, CancellationToken cancellationToken)
    {
        var stored = await history.GetCurrentStateEventAsync(roomId, EventTypes.HistoryVisibility, "", cancellationToken);
        return HistoryVisibility.Normalise(stored?.Pdu.ContentString("history_visibility"));
    }

    /// <summary>The events of <paramref name="events"/> the user may see, in the same order.</summary>
    public Task<IReadOnlyList<StoredEvent>> FilterVisibleAsync(RoomReader room, IReadOnlyList<StoredEvent> events,
        CancellationToken cancellationToken) => visibility.FilterAsync(room, events, cancellationToken);

    /// <summary>
    /// Events of <paramref name="room"/> in the client format, with <c>prev_content</c> and <c>prev_sender</c> of the
    /// state they replaced and their bundled aggregations (made of the relations the reader may see).
    /// </summary>
    public async Task<JsonArray> FormatAsync(IReadOnlyList<StoredEvent> events, RoomReader room, Requester requester,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var replacedIds = events.Where(e => e.ReplacesState is not null).Select(e => e.ReplacesState!).ToHashSet(StringComparer.Ordinal);
        var replaced = replacedIds.Count == 0
            ? new Dictionary<string, Pdu>(StringComparer.Ordinal)
            : (await reader.GetEventsAsync(replacedIds, cancellationToken))
                .ToDictionary(e => e.Pdu.EventId, e => e.Pdu, StringComparer.Ordinal);
        var aggregations = await bundles.GetAsync(events, room, requester, cancellationToken);
        return new JsonArray(events.Select(e => (JsonNode?)BundledAggregations.Attach(formatter.Format(e, requester,
                e.ReplacesState is null ? null : replaced.GetValueOrDefault(e.ReplacesState)),
            aggregations.GetValueOrDefault(e.Pdu.EventId))).ToArray());
    }

    public async Task<JsonObject> FormatAsync(StoredEvent stored, RoomReader room, Requester requester,
        CancellationToken cancellationToken)
    {
        var formatted = await FormatAsync([stored], room, requester, cancellationToken);
        var single = (JsonObject)formatted[0]!;
        formatted.RemoveAt(0); // detached, so callers may place it in another document
        return single;
    }
}
