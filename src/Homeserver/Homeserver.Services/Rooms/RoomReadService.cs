using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Services.Accounts;

namespace Homeserver.Services.Rooms;

/// <summary>
/// Reading rooms for clients: single events, state and members, for users allowed to see them (see
/// <see cref="RoomAccess"/>). Joined and peeking users see the current state; users who left see the state as it
/// was when they left.
/// </summary>
public sealed class RoomReadService(IRoomEventReader reader, IRoomHistoryReader history, RoomAccess access)
{
    private static readonly string[] KnownMemberships =
        [Memberships.Join, Memberships.Invite, Memberships.Knock, Memberships.Leave, Memberships.Ban];

    /// <summary>GET /rooms/{roomId}/event/{eventId}: 404 for events the user may not see, as for missing ones.</summary>
    public async Task<JsonObject> GetEventAsync(Requester requester, string roomId, string eventId,
        CancellationToken cancellationToken)
    {
        RoomReader room;
        try
        {
            room = await access.RequireReaderAsync(requester, roomId, cancellationToken);
        }
        catch (MatrixException e) when (e.Code == ErrorCode.Forbidden)
        {
            throw new MatrixException(ErrorCode.NotFound, "Event not found");
        }

        var found = await reader.GetEventAsync(eventId, cancellationToken);
        if (found is null || found.Pdu.RoomId != roomId ||
            (await access.FilterVisibleAsync(room, [found], cancellationToken)) is not [var stored])
        {
            throw new MatrixException(ErrorCode.NotFound, "Event not found");
        }

        return await access.FormatAsync(stored, room, requester, cancellationToken);
    }

    /// <summary>GET /rooms/{roomId}/state.</summary>
    public async Task<JsonArray> GetStateAsync(Requester requester, string roomId, CancellationToken cancellationToken)
    {
        var room = await access.RequireReaderAsync(requester, roomId, cancellationToken);
        return await access.FormatAsync(await StateForAsync(room, null, cancellationToken), room, requester,
            cancellationToken);
    }

    /// <summary>GET /rooms/{roomId}/state/{eventType}/{stateKey}: the content (redacted if the event was).</summary>
    public async Task<JsonObject> GetStateContentAsync(Requester requester, string roomId, string type, string stateKey,
        CancellationToken cancellationToken)
    {
        var room = await access.RequireReaderAsync(requester, roomId, cancellationToken);
        var match = room.Kind == RoomReadKind.Departed
            ? (await StateForAsync(room, null, cancellationToken)).FirstOrDefault(s => s.Pdu.IsType(type, stateKey))
            : await history.GetCurrentStateEventAsync(roomId, type, stateKey, cancellationToken);
        if (match is null)
        {
            throw new MatrixException(ErrorCode.NotFound, "No such state event");
        }

        return (JsonObject)(await access.FormatAsync(match, room, requester, cancellationToken))["content"]!.DeepClone();
    }

    /// <summary>
    /// GET /rooms/{roomId}/members: member events at <paramref name="at"/> (a stream token; never after a departed
    /// user left), whose membership is <paramref name="membership"/> or is not <paramref name="notMembership"/>. The
    /// state at a token is shown only when the user may see the room's event at that point (M_FORBIDDEN otherwise).
    /// </summary>
    public async Task<JsonArray> GetMembersAsync(Requester requester, string roomId, string? at, string? membership,
        string? notMembership, CancellationToken cancellationToken)
    {
        RequireKnownMembership("membership", membership);
        RequireKnownMembership("not_membership", notMembership);
        long? position = at is null ? null : StreamToken.Parse(at);
        var room = await access.RequireReaderAsync(requester, roomId, cancellationToken);
        var members = (await StateForAsync(room, position, cancellationToken))
            .Where(s => s.Pdu.Type == EventTypes.Member)
            .Where(s => (membership is null && notMembership is null) ||
                        (membership is not null && s.Pdu.Membership == membership) ||
                        (notMembership is not null && s.Pdu.Membership != notMembership))
            .OrderBy(s => s.Pdu.StateKey, StringComparer.Ordinal)
            .ToList();
        return await access.FormatAsync(members, room, requester, cancellationToken);
    }

    /// <summary>GET /rooms/{roomId}/joined_members: for members and peekers of world-readable rooms only.</summary>
    public async Task<JsonObject> GetJoinedMembersAsync(Requester requester, string roomId,
        CancellationToken cancellationToken)
    {
        var room = await access.RequireReaderAsync(requester, roomId, cancellationToken);
        if (room.Kind == RoomReadKind.Departed &&
            await access.CurrentVisibilityAsync(roomId, cancellationToken) != HistoryVisibility.WorldReadable)
        {
            throw new MatrixException(ErrorCode.Forbidden, "You are not in this room");
        }

        var joined = new JsonObject();
        foreach (var member in (await reader.GetCurrentStateAsync(roomId, cancellationToken))
                 .Where(s => s.Pdu.Type == EventTypes.Member && s.Pdu.Membership == Memberships.Join)
                 .OrderBy(s => s.Pdu.StateKey, StringComparer.Ordinal))
        {
            joined[member.Pdu.StateKey!] = JsonFields.StringsWithoutNulls(
                ("display_name", member.Pdu.ContentString("displayname")),
                ("avatar_url", member.Pdu.ContentString("avatar_url")));
        }

        return new JsonObject { ["joined"] = joined };
    }

    public async Task<JsonObject> GetJoinedRoomsAsync(Requester requester, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var rooms = await reader.GetJoinedRoomsAsync(requester.UserId.Value, cancellationToken);
        return new JsonObject { ["joined_rooms"] = new JsonArray(rooms.Select(r => (JsonNode?)r).ToArray()) };
    }

    /// <summary>
    /// The state the user may read: current for joined and peeking users, as of their leave for departed ones, and
    /// as of the stream position <paramref name="at"/> (capped at the leave) when given.
    /// </summary>
    private async Task<IReadOnlyList<StoredEvent>> StateForAsync(RoomReader room, long? at,
        CancellationToken cancellationToken)
    {
        string? eventId;
        if (room.Kind == RoomReadKind.Departed)
        {
            var leave = room.Membership!;
            eventId = at is null || at >= leave.StreamOrdering
                ? leave.EventId
                : await history.GetLastEventIdAtAsync(room.RoomId, at.Value, cancellationToken);
        }
        else if (at is not null)
        {
            eventId = await history.GetLastEventIdAtAsync(room.RoomId, at.Value, cancellationToken);
        }
        else
        {
            return await reader.GetCurrentStateAsync(room.RoomId, cancellationToken);
        }

        if (eventId is null)
        {
            return [];
        }

        if (at is not null && !await CanSeeAsync(room, eventId, cancellationToken))
        {
            throw new MatrixException(ErrorCode.Forbidden, "You may not see the room's history at that point");
        }

        var state = (await history.GetStateIdsAfterAsync([eventId], null, cancellationToken)).GetValueOrDefault(eventId);
        return state is null ? [] : await reader.GetEventsAsync(state.Values.ToList(), cancellationToken);
    }

    // Whether history visibility lets the user see the event (whoever sent it: ignoring a user hides no state).
    private async Task<bool> CanSeeAsync(RoomReader room, string eventId, CancellationToken cancellationToken) =>
        await reader.GetEventAsync(eventId, cancellationToken) is { } stored &&
        (await access.FilterVisibleAsync(room with { Ignoring = new HashSet<string>() }, [stored], cancellationToken))
        .Count > 0;

    private static void RequireKnownMembership(string name, string? value)
    {
        if (value is not null && !KnownMemberships.Contains(value, StringComparer.Ordinal))
        {
            throw new MatrixException(ErrorCode.InvalidParam, $"{name} must be one of {string.Join(", ", KnownMemberships)}");
        }
    }
}

/// <summary>Pagination tokens over the global stream: "s" and the position.</summary>
public static class StreamToken
{
    public static string Format(long position) => "s" + position.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static long Parse(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        // A /sync token ("s{events}_{more streams}") is a valid pagination token too: its events part.
        var end = token.IndexOf('_', StringComparison.Ordinal);
        return token.StartsWith('s') && long.TryParse(token.AsSpan(1, (end < 0 ? token.Length : end) - 1),
            System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out var position)
            ? position
            : throw new MatrixException(ErrorCode.InvalidParam, $"Invalid pagination token '{token}'");
    }
}
