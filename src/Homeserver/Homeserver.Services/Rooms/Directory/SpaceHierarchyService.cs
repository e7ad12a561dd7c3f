using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Services.Accounts;

namespace Homeserver.Services.Rooms.Directory;

/// <summary>
/// GET /_matrix/client/v1/rooms/{roomId}/hierarchy over this server's rooms: a depth-first walk of m.space.child
/// state from the root, showing the rooms the requester may see (joined, invited, joinable, knockable or
/// world-readable). Rooms this server does not know are left out until federation can fill them in.
/// </summary>
public sealed class SpaceHierarchyService(IRoomEventReader reader, IRoomDirectoryStore directory)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 100;
    public const int MaxDepth = 20;

    /// <summary>The rooms the walk visits at most per request, so cycles and huge spaces stay bounded.</summary>
    private const int MaxVisited = 2000;

    public async Task<JsonObject> GetAsync(Requester requester, string roomId, HierarchyRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        ArgumentNullException.ThrowIfNull(request);
        if (request.Limit is <= 0)
        {
            throw new MatrixException(ErrorCode.InvalidParam, "'limit' must be greater than zero");
        }

        if (request.MaxDepth is < 0)
        {
            throw new MatrixException(ErrorCode.InvalidParam, "'max_depth' must not be negative");
        }

        var limit = Math.Min(request.Limit ?? DefaultLimit, MaxLimit);
        var maxDepth = Math.Min(request.MaxDepth ?? MaxDepth, MaxDepth);
        var skip = request.From is null ? 0 : ParseToken(request.From, request.SuggestedOnly, maxDepth);

        var root = await VisibleRoomAsync(requester, roomId, request.SuggestedOnly, cancellationToken)
                   ?? throw new MatrixException(ErrorCode.Forbidden, "You are not allowed to view this room");
        var rooms = new List<JsonObject>();
        var seen = new HashSet<string>(StringComparer.Ordinal) { roomId };
        var stack = new Stack<(VisibleRoom Room, int Depth)>();
        stack.Push((root, 0));
        var found = 0;
        var more = false;
        while (stack.Count > 0 && seen.Count <= MaxVisited)
        {
            var (room, depth) = stack.Pop();
            if (found++ >= skip)
            {
                if (rooms.Count == limit)
                {
                    more = true;
                    break;
                }

                rooms.Add(room.Chunk);
            }

            if (depth >= maxDepth)
            {
                continue;
            }

            var children = new List<VisibleRoom>();
            foreach (var child in room.Children)
            {
                if (seen.Add(child) &&
                    await VisibleRoomAsync(requester, child, request.SuggestedOnly, cancellationToken) is { } visible)
                {
                    children.Add(visible);
                }
            }

            for (var i = children.Count - 1; i >= 0; i--)
            {
                stack.Push((children[i], depth + 1));
            }
        }

        var result = new JsonObject { ["rooms"] = new JsonArray(rooms.Select(r => (JsonNode?)r).ToArray()) };
        if (more)
        {
            result["next_batch"] = FormatToken(skip + rooms.Count, request.SuggestedOnly, maxDepth);
        }

        return result;
    }

    private sealed record VisibleRoom(JsonObject Chunk, IReadOnlyList<string> Children);

    /// <summary>The room's chunk and children when the requester may see it; null otherwise (or when unknown here).</summary>
    private async Task<VisibleRoom?> VisibleRoomAsync(Requester requester, string roomId, bool suggestedOnly,
        CancellationToken cancellationToken)
    {
        var summaries = await directory.GetSummariesAsync([roomId], cancellationToken);
        if (summaries.Count == 0)
        {
            // Rooms unknown here are left out: this walk does not yet ask the via servers (federation /hierarchy).
            return null;
        }

        var summary = summaries[0];
        var state = await reader.GetCurrentStateAsync(roomId, cancellationToken);
        var allowedRooms = AllowedRoomIds(state);
        if (!await MaySeeAsync(requester.UserId.Value, roomId, summary, allowedRooms, cancellationToken))
        {
            return null;
        }

        var (chunk, children) = Describe(summary, state, allowedRooms, suggestedOnly);
        return new VisibleRoom(chunk, children);
    }

    /// <summary>A room's hierarchy chunk (children_state included) and its children in the spec's order; shared
    /// with federation's /hierarchy.</summary>
    internal static (JsonObject Chunk, IReadOnlyList<string> Children) Describe(RoomSummary summary,
        IReadOnlyList<StoredEvent> state, IReadOnlyList<string> allowedRooms, bool suggestedOnly)
    {
        var childEvents = summary.RoomType == DirectoryStateTypes.SpaceRoomType
            ? ChildEvents(state, suggestedOnly)
            : [];
        var chunk = summary.ToChunk();
        chunk["room_version"] = summary.RoomVersion;
        if (summary.Encryption is not null)
        {
            chunk["encryption"] = summary.Encryption;
        }

        if (summary.JoinRule is "restricted" or "knock_restricted")
        {
            chunk["allowed_room_ids"] = new JsonArray(allowedRooms.Select(r => (JsonNode?)r).ToArray());
        }

        chunk["children_state"] = new JsonArray(childEvents.Select(e => (JsonNode?)new JsonObject
        {
            ["type"] = e.Type,
            ["state_key"] = e.StateKey,
            ["content"] = JsonNode.Parse(e.Content.GetRawText()),
            ["sender"] = e.Sender,
            ["origin_server_ts"] = e.OriginServerTs,
        }).ToArray());
        return (chunk, childEvents.Select(e => e.StateKey!).ToList());
    }

    private async Task<bool> MaySeeAsync(string userId, string roomId, RoomSummary summary,
        IReadOnlyList<string> allowedRooms, CancellationToken cancellationToken)
    {
        var membership = (await reader.GetMembershipAsync(roomId, userId, cancellationToken))?.Membership;
        if (membership is Memberships.Join or Memberships.Invite)
        {
            return true;
        }

        if (membership == Memberships.Ban)
        {
            return false;
        }

        if (summary.WorldReadable || summary.JoinRule is "public" or "knock" or "knock_restricted")
        {
            return true;
        }

        if (summary.JoinRule == "restricted")
        {
            foreach (var allowed in allowedRooms)
            {
                if ((await reader.GetMembershipAsync(allowed, userId, cancellationToken))?.Membership == Memberships.Join)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// Valid m.space.child events (a non-empty via list), in the spec's order: by their 'order' string (children
    /// without a valid one last), then the event's origin_server_ts, then the room ID.
    /// </summary>
    private static List<Pdu> ChildEvents(IReadOnlyList<StoredEvent> state, bool suggestedOnly) =>
        state.Where(s => s.Pdu.Type == DirectoryStateTypes.SpaceChild && s.RedactedBecause is null &&
                         s.Pdu.StateKey is { Length: > 0 } && HasVia(s.Pdu.Content) &&
                         (!suggestedOnly || IsSuggested(s.Pdu.Content)))
            .Select(s => s.Pdu)
            .OrderBy(p => Order(p.Content) is null ? 1 : 0)
            .ThenBy(p => Order(p.Content), StringComparer.Ordinal)
            .ThenBy(p => p.OriginServerTs)
            .ThenBy(p => p.StateKey, StringComparer.Ordinal)
            .ToList();

    private static bool HasVia(JsonElement content) =>
        content.ValueKind == JsonValueKind.Object && content.TryGetProperty("via", out var via) &&
        via.ValueKind == JsonValueKind.Array && via.GetArrayLength() > 0;

    private static bool IsSuggested(JsonElement content) =>
        content.TryGetProperty("suggested", out var suggested) && suggested.ValueKind == JsonValueKind.True;

    private static string? Order(JsonElement content) =>
        content.TryGetProperty("order", out var order) && order.ValueKind == JsonValueKind.String &&
        order.GetString() is { Length: > 0 and <= 50 } text && text.All(c => c is >= '\x20' and <= '\x7E')
            ? text
            : null;

    internal static List<string> AllowedRoomIds(IReadOnlyList<StoredEvent> state)
    {
        var joinRules = state.FirstOrDefault(s => s.Pdu.Type == EventTypes.JoinRules && s.Pdu.StateKey == "");
        if (joinRules is null || joinRules.RedactedBecause is not null ||
            !joinRules.Pdu.Content.TryGetProperty("allow", out var allow) || allow.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        return allow.EnumerateArray()
            .Where(a => a.ValueKind == JsonValueKind.Object &&
                        a.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String &&
                        t.GetString() == "m.room_membership" &&
                        a.TryGetProperty("room_id", out var r) && r.ValueKind == JsonValueKind.String)
            .Select(a => a.GetProperty("room_id").GetString()!)
            .ToList();
    }

    // Tokens: "h", the rooms already returned, and the suggested_only and max_depth they were returned under.
    private static string FormatToken(int skip, bool suggestedOnly, int maxDepth) =>
        string.Create(CultureInfo.InvariantCulture, $"h{skip}_{(suggestedOnly ? 1 : 0)}_{maxDepth}");

    private static int ParseToken(string token, bool suggestedOnly, int maxDepth)
    {
        var parts = token.Split('_');
        if (parts.Length != 3 || !parts[0].StartsWith('h') ||
            !int.TryParse(parts[0].AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var skip))
        {
            throw new MatrixException(ErrorCode.InvalidParam, $"Unknown pagination token '{token}'");
        }

        if (parts[1] != (suggestedOnly ? "1" : "0") ||
            parts[2] != maxDepth.ToString(CultureInfo.InvariantCulture))
        {
            throw new MatrixException(ErrorCode.InvalidParam,
                "suggested_only and max_depth cannot change on paginated requests");
        }

        return skip;
    }
}

public sealed record HierarchyRequest(bool SuggestedOnly, int? Limit, int? MaxDepth, string? From);
