using System.Globalization;
using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Services.Accounts;
using Homeserver.Services.Configuration;

namespace Homeserver.Services.Rooms.Directory;

/// <summary>The published room directory: /directory/list/room/{roomId} and /publicRooms (another server's asked of
/// it through <see cref="IRemoteRoomDirectory"/>, registered by federation).</summary>
public sealed class RoomDirectoryService(HomeserverSettings settings, IRoomDirectoryStore directory, IRoomEventReader reader,
    IRemoteRoomDirectory? remote = null)
{
    public const int MaxLimit = 500;
    public const int DefaultLimit = 100;

    public async Task<string> GetVisibilityAsync(string roomId, CancellationToken cancellationToken) =>
        await directory.IsPublicAsync(roomId, cancellationToken) switch
        {
            null => throw new MatrixException(ErrorCode.NotFound, "Unknown room"),
            true => "public",
            false => "private",
        };

    /// <summary>PUT /directory/list/room/{roomId}: users with the power to change the canonical alias, or server admins.</summary>
    public async Task SetVisibilityAsync(Requester requester, string roomId, string visibility,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        if (visibility is not ("public" or "private"))
        {
            throw new MatrixException(ErrorCode.InvalidParam, "'visibility' must be public or private");
        }

        var version = await reader.GetRoomVersionAsync(roomId, cancellationToken)
                      ?? throw new MatrixException(ErrorCode.NotFound, "Unknown room");
        if (!requester.IsAdmin)
        {
            var state = await reader.GetCurrentStateAsync(roomId, cancellationToken);
            var joined = (await reader.GetMembershipAsync(roomId, requester.UserId.Value, cancellationToken))?.Membership
                         == Core.Events.Memberships.Join;
            if (!joined || !DirectoryPermissions.CanChangeCanonicalAlias(state, version, requester.UserId.Value))
            {
                throw new MatrixException(ErrorCode.Forbidden,
                    "You need the power to change the room's canonical alias to publish or unpublish it");
            }
        }

        await directory.SetPublicAsync(roomId, visibility == "public", cancellationToken);
    }

    /// <summary>GET and POST /publicRooms: this server's directory, or the one of the server named.</summary>
    public async Task<JsonObject> ListAsync(PublicRoomsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Server is not null && !string.Equals(request.Server, settings.ServerName.Value, StringComparison.Ordinal))
        {
            if (!Core.Identifiers.ServerName.TryParse(request.Server, out var server, out var error))
            {
                throw new MatrixException(ErrorCode.InvalidParam, $"Invalid server name: {error}");
            }

            return remote is null
                ? throw new MatrixException(ErrorCode.NotFound, $"Cannot list the rooms of {server}: federation is off")
                : await remote.PublicRoomsAsync(server, request, cancellationToken);
        }

        if (request.Limit is < 0)
        {
            throw new MatrixException(ErrorCode.InvalidParam, "'limit' must not be negative");
        }

        var limit = Math.Clamp(request.Limit ?? DefaultLimit, 1, MaxLimit);
        DirectoryPosition? after = null, before = null;
        if (request.Since is not null)
        {
            (var forwards, var position) = ParseToken(request.Since);
            (after, before) = forwards ? (position, null) : ((DirectoryPosition?)null, position);
        }

        var searchTerm = string.IsNullOrWhiteSpace(request.SearchTerm) ? null : request.SearchTerm.Trim();
        var page = await directory.GetPublicRoomsAsync(new PublicRoomsQuery(limit, after, before, searchTerm,
            request.RoomTypes), cancellationToken);
        var result = new JsonObject
        {
            ["chunk"] = new JsonArray(page.Rooms.Select(r => (JsonNode?)r.ToChunk()).ToArray()),
            ["total_room_count_estimate"] = page.Total,
        };
        if (page.Rooms.Count > 0)
        {
            if (page.MoreAfter)
            {
                result["next_batch"] = FormatToken(forwards: true, page.Rooms[^1].Position);
            }

            if (page.MoreBefore)
            {
                result["prev_batch"] = FormatToken(forwards: false, page.Rooms[0].Position);
            }
        }

        return result;
    }

    // Tokens: "f" (rooms after) or "b" (rooms before), the joined member count, '_', the room ID.
    private static string FormatToken(bool forwards, DirectoryPosition position) =>
        (forwards ? "f" : "b") + position.JoinedMembers.ToString(CultureInfo.InvariantCulture) + "_" + position.RoomId;

    private static (bool Forwards, DirectoryPosition Position) ParseToken(string token)
    {
        var separator = token.IndexOf('_', StringComparison.Ordinal);
        if (token.Length < 2 || token[0] is not ('f' or 'b') || separator < 2 ||
            !long.TryParse(token.AsSpan(1, separator - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var joined) ||
            separator == token.Length - 1)
        {
            throw new MatrixException(ErrorCode.InvalidParam, $"Invalid pagination token '{token}'");
        }

        return (token[0] == 'f', new DirectoryPosition(joined, token[(separator + 1)..]));
    }
}

/// <summary>The parameters of /publicRooms; <paramref name="RoomTypes"/> null for any type, a null entry for untyped rooms.</summary>
public sealed record PublicRoomsRequest(string? Server, int? Limit, string? Since, string? SearchTerm,
    IReadOnlyList<string?>? RoomTypes);
