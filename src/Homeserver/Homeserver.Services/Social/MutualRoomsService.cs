using System.Text;
using System.Text.Json.Nodes;
using Homeserver.Core.Encoding;
using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;

namespace Homeserver.Services.Social;

/// <summary>
/// GET /_matrix/client/v1/mutual_rooms: the rooms the requester and another user are both joined to, in room ID
/// order, a page at a time (<c>next_batch</c> is the last room ID given, opaque to clients).
/// </summary>
public sealed class MutualRoomsService(ISharedRoomsReader shared)
{
    public const int PageSize = 100;

    public async Task<JsonObject> GetAsync(Requester requester, string? userId, string? from,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        if (userId is null)
        {
            throw new MatrixException(ErrorCode.MissingParam, "The user_id parameter is required");
        }

        if (!UserId.TryParseCompliant(userId, out var other, out var error))
        {
            throw new MatrixException(ErrorCode.InvalidParam, $"Invalid user ID: {error}");
        }

        if (other == requester.UserId)
        {
            throw new MatrixException(ErrorCode.InvalidParam, "user_id must not be your own user ID");
        }

        var after = from is null ? null : ParseToken(from);
        var (rooms, total) = await shared.GetSharedRoomsAsync(requester.UserId.Value, other.Value, after, PageSize + 1,
            cancellationToken);
        var page = rooms.Take(PageSize).ToList();
        var result = new JsonObject
        {
            ["joined"] = new JsonArray(page.Select(r => (JsonNode?)r).ToArray()),
            ["count"] = total,
        };
        if (rooms.Count > PageSize)
        {
            result["next_batch"] = UnpaddedBase64.EncodeUrlSafe(Encoding.UTF8.GetBytes(page[^1]));
        }

        return result;
    }

    private static string ParseToken(string from) =>
        UnpaddedBase64.TryDecode(from, out var bytes) && RoomId.TryParse(Encoding.UTF8.GetString(bytes), out var room, out _)
            ? room.Value
            : throw new MatrixException(ErrorCode.InvalidParam, "Invalid 'from' token");
}
