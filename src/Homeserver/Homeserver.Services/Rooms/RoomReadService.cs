using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Services.Accounts;

namespace Homeserver.Services.Rooms;

/// <summary>Reading rooms for clients: events, state, members and history, for users allowed to see them.</summary>
public sealed class RoomReadService(IRoomEventReader reader, ClientEventFormatter formatter,
    BundledAggregations bundles, IgnoredUsers ignoredUsers)
{
    public const int MaxMessagesLimit = 1000;

    public async Task<JsonObject> GetEventAsync(Requester requester, string roomId, string eventId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        await RequireJoinedAsync(requester, roomId, cancellationToken);
        var stored = await reader.GetEventAsync(eventId, cancellationToken);
        if (stored is null || stored.Pdu.RoomId != roomId)
        {
            throw new MatrixException(ErrorCode.NotFound, "Event not found");
        }

        return await bundles.FormatAsync(stored, requester, cancellationToken);
    }

    public async Task<JsonArray> GetStateAsync(Requester requester, string roomId, CancellationToken cancellationToken)
    {
        await RequireJoinedAsync(requester, roomId, cancellationToken);
        var state = await reader.GetCurrentStateAsync(roomId, cancellationToken);
        return new JsonArray(state.Select(s => (JsonNode?)formatter.Format(s, requester)).ToArray());
    }

    public async Task<JsonObject> GetStateContentAsync(Requester requester, string roomId, string type, string stateKey,
        CancellationToken cancellationToken)
    {
        await RequireJoinedAsync(requester, roomId, cancellationToken);
        var state = await reader.GetCurrentStateAsync(roomId, cancellationToken);
        var match = state.FirstOrDefault(s => s.Pdu.Type == type && s.Pdu.StateKey == stateKey)
                    ?? throw new MatrixException(ErrorCode.NotFound, "No such state event");
        return (JsonObject)formatter.Format(match, requester)["content"]!.DeepClone();
    }

    public async Task<JsonArray> GetMembersAsync(Requester requester, string roomId, CancellationToken cancellationToken)
    {
        await RequireJoinedAsync(requester, roomId, cancellationToken);
        var state = await reader.GetCurrentStateAsync(roomId, cancellationToken);
        return new JsonArray(state.Where(s => s.Pdu.Type == EventTypes.Member)
            .Select(s => (JsonNode?)formatter.Format(s, requester)).ToArray());
    }

    public async Task<JsonObject> GetJoinedMembersAsync(Requester requester, string roomId,
        CancellationToken cancellationToken)
    {
        await RequireJoinedAsync(requester, roomId, cancellationToken);
        var joined = new JsonObject();
        foreach (var member in (await reader.GetCurrentStateAsync(roomId, cancellationToken))
                 .Where(s => s.Pdu.Type == EventTypes.Member && s.Pdu.Membership == Memberships.Join))
        {
            joined[member.Pdu.StateKey!] = new JsonObject
            {
                ["display_name"] = member.Pdu.ContentString("displayname"),
                ["avatar_url"] = member.Pdu.ContentString("avatar_url"),
            };
        }

        return new JsonObject { ["joined"] = joined };
    }

    public async Task<JsonObject> GetJoinedRoomsAsync(Requester requester, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var rooms = await reader.GetJoinedRoomsAsync(requester.UserId.Value, cancellationToken);
        return new JsonObject { ["joined_rooms"] = new JsonArray(rooms.Select(r => (JsonNode?)r).ToArray()) };
    }

    /// <summary>GET /rooms/{roomId}/messages: pages of the room's events in stream order; tokens are "s{position}".</summary>
    public async Task<JsonObject> GetMessagesAsync(Requester requester, string roomId, string? from, string? to,
        bool forwards, int limit, CancellationToken cancellationToken)
    {
        await RequireJoinedAsync(requester, roomId, cancellationToken);
        limit = Math.Clamp(limit, 1, MaxMessagesLimit);
        var start = from is null
            ? (forwards ? 0 : await reader.GetCurrentStreamAsync(cancellationToken) + 1)
            : StreamToken.Parse(from);
        long? end = to is null ? null : StreamToken.Parse(to);
        var events = (await reader.GetRoomEventsAsync(roomId, start, forwards, limit, cancellationToken))
            .Where(e => end is null || (forwards ? e.StreamOrdering <= end : e.StreamOrdering > end)).ToList();
        var ignored = await ignoredUsers.GetAsync(requester.UserId, cancellationToken);
        var chunk = await bundles.FormatAsync(events.Where(e => !ignored.Contains(e.Pdu.Sender)).ToList(), requester,
            cancellationToken);
        var result = new JsonObject { ["chunk"] = chunk, ["start"] = StreamToken.Format(start) };
        if (events.Count == limit)
        {
            result["end"] = StreamToken.Format(events[^1].StreamOrdering!.Value);
        }

        return result;
    }

    private async Task RequireJoinedAsync(Requester requester, string roomId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var membership = await reader.GetMembershipAsync(roomId, requester.UserId.Value, cancellationToken);
        if (membership?.Membership != Memberships.Join)
        {
            throw new MatrixException(ErrorCode.Forbidden, "You are not in this room");
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
        return token.StartsWith('s') && long.TryParse(token.AsSpan(1), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out var position)
            ? position
            : throw new MatrixException(ErrorCode.InvalidParam, $"Invalid pagination token '{token}'");
    }
}
