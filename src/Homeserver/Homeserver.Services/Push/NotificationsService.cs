using System.Globalization;
using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Services.Accounts;
using Homeserver.Services.Rooms;

namespace Homeserver.Services.Push;

/// <summary>
/// GET /notifications: the user's notifications newest first, each with its event as the user may see it (history
/// visibility applies, through <see cref="RoomAccess"/>), whether a receipt has covered it, and its actions.
/// </summary>
public sealed class NotificationsService(IPushActionStore store, IRoomEventReader reader, RoomAccess access)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    public async Task<JsonObject> GetAsync(Requester requester, string? from, long? limit, string? only,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var before = from is null ? long.MaxValue
            : long.TryParse(from, NumberStyles.None, CultureInfo.InvariantCulture, out var position) ? position
            : throw new MatrixException(ErrorCode.InvalidParam, "Unknown 'from' token");
        var pageSize = (int)Math.Clamp(limit ?? DefaultLimit, 1, MaxLimit);
        var onlyHighlight = only is not null && only.Contains("highlight", StringComparison.Ordinal);
        var notifications = new JsonArray();
        var readers = new Dictionary<string, RoomReader?>(StringComparer.Ordinal);
        long? last = null;
        var exhausted = false;
        // Refilled while events are hidden from the user (history visibility, a room they can no longer read).
        while (notifications.Count < pageSize && !exhausted)
        {
            var rows = await store.GetNotificationsAsync(requester.UserId.Value, last ?? before,
                pageSize - notifications.Count, onlyHighlight, cancellationToken);
            exhausted = rows.Count < pageSize - notifications.Count;
            foreach (var row in rows)
            {
                last = row.StreamOrdering;
                if (await FormatAsync(requester, row, readers, cancellationToken) is { } notification)
                {
                    notifications.Add(notification);
                }
            }
        }

        var response = new JsonObject { ["notifications"] = notifications };
        if (!exhausted && last is not null)
        {
            response["next_token"] = last.Value.ToString(CultureInfo.InvariantCulture);
        }

        return response;
    }

    private async Task<JsonObject?> FormatAsync(Requester requester, StoredNotification row,
        Dictionary<string, RoomReader?> readers, CancellationToken cancellationToken)
    {
        if (!readers.TryGetValue(row.RoomId, out var room))
        {
            room = await access.CanReadAsync(requester, row.RoomId, cancellationToken)
                ? await access.RequireReaderAsync(requester, row.RoomId, cancellationToken)
                : null;
            readers[row.RoomId] = room;
        }

        if (room is null || await reader.GetEventAsync(row.EventId, cancellationToken) is not { } found ||
            (await access.FilterVisibleAsync(room, [found], cancellationToken)) is not [var stored])
        {
            return null;
        }

        return new JsonObject
        {
            ["actions"] = JsonNode.Parse(row.ActionsJson),
            ["event"] = await access.FormatAsync(stored, room, requester, cancellationToken),
            ["read"] = row.Read,
            ["room_id"] = row.RoomId,
            ["ts"] = row.Ts,
        };
    }
}
