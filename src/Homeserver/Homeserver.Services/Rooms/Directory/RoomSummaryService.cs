using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Services.Accounts;

namespace Homeserver.Services.Rooms.Directory;

/// <summary>
/// GET /_matrix/client/v1/room_summary/{roomIdOrAlias} (MSC3266, spec v1.15) over this server's rooms. A room is
/// shown when it is publicly joinable or knockable, world-readable, or the requester is joined or invited (or, for a
/// restricted room, joined to one of the allowed rooms), as Synapse decides; anything else is M_NOT_FOUND, like a
/// room this server does not know, so the answer does not tell a private room exists. Unauthenticated requests see
/// only the rooms anyone may see, without <c>membership</c>.
/// </summary>
public sealed class RoomSummaryService(IRoomEventReader reader, IRoomDirectoryStore directory,
    RoomAliasService aliases)
{
    /// <param name="requester">Null for an unauthenticated request.</param>
    /// <param name="via">Servers to ask when this server does not know the room (not used until federation).</param>
    public async Task<JsonObject> GetAsync(Requester? requester, string roomIdOrAlias, IReadOnlyList<string> via,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(via);
        var roomId = await aliases.ResolveRoomIdOrAliasAsync(roomIdOrAlias, cancellationToken);
        var summaries = await directory.GetSummariesAsync([roomId], cancellationToken);
        if (summaries.Count == 0)
        {
            // Needs federation (its own issue): ask the via servers for the room's hierarchy entry.
            throw NotFound();
        }

        var summary = summaries[0];
        var state = await reader.GetCurrentStateAsync(roomId, cancellationToken);
        var allowedRooms = SpaceHierarchyService.AllowedRoomIds(state);
        var membership = requester is null
            ? null
            : (await reader.GetMembershipAsync(roomId, requester.UserId.Value, cancellationToken))?.Membership;
        if (!await MaySeeAsync(requester, summary, membership, allowedRooms, cancellationToken))
        {
            throw NotFound();
        }

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

        if (requester is not null)
        {
            chunk["membership"] = membership ?? Memberships.Leave;
        }

        return chunk;
    }

    private async Task<bool> MaySeeAsync(Requester? requester, RoomSummary summary, string? membership,
        IReadOnlyList<string> allowedRooms, CancellationToken cancellationToken)
    {
        if (summary.JoinRule is "public" or "knock" or "knock_restricted" || summary.WorldReadable)
        {
            return true;
        }

        if (requester is null)
        {
            return false;
        }

        if (membership is Memberships.Join or Memberships.Invite)
        {
            return true;
        }

        if (summary.JoinRule == "restricted")
        {
            foreach (var allowed in allowedRooms)
            {
                if ((await reader.GetMembershipAsync(allowed, requester.UserId.Value, cancellationToken))?.Membership ==
                    Memberships.Join)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static MatrixException NotFound() => new(ErrorCode.NotFound, "Room not found or is not accessible");
}
