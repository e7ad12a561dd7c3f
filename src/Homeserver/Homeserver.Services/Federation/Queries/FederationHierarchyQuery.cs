using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Configuration;
using Homeserver.Services.Rooms;
using Homeserver.Services.Rooms.Directory;

namespace Homeserver.Services.Federation.Queries;

/// <summary>
/// <c>GET /_matrix/federation/v1/hierarchy/{roomId}</c>: one level of a space for another server. A room is shown to
/// a server when it is world-readable, its join rule is public, knock or knock_restricted, the server has a joined
/// member in it, or (restricted rules) in one of the rooms its rule allows — as Synapse's room summary handler
/// decides. The root room must be known here, allowed by its server ACL and accessible (404 otherwise); its children
/// known here are listed when accessible, else named in <c>inaccessible_children</c>; unknown children are left out.
/// </summary>
public sealed class FederationHierarchyQuery(IRoomDirectoryStore directory, IRoomEventReader reader,
    ServerAclGuard acl, HomeserverSettings settings)
{
    public async Task<JsonObject> GetAsync(ServerName origin, string roomId, bool suggestedOnly,
        CancellationToken cancellationToken)
    {
        if (!RoomId.TryParse(roomId, out var room, out var error))
        {
            throw new MatrixException(ErrorCode.InvalidParam, $"Invalid room ID: {error}");
        }

        var root = await SummaryAsync(room.Value, cancellationToken)
                   ?? throw new MatrixException(ErrorCode.NotFound, "Unknown room");
        await acl.EnsureAllowedAsync(origin, room, cancellationToken);
        if (!await AccessibleAsync(origin, root, cancellationToken))
        {
            throw new MatrixException(ErrorCode.NotFound, "Unknown room");
        }

        var (chunk, childIds) = SpaceHierarchyService.Describe(root.Summary, root.State, root.AllowedRooms,
            suggestedOnly);
        var children = new JsonArray();
        var inaccessible = new JsonArray();
        foreach (var childId in childIds.Distinct(StringComparer.Ordinal))
        {
            if (await SummaryAsync(childId, cancellationToken) is not { } child)
            {
                continue;
            }

            if (await AccessibleAsync(origin, child, cancellationToken))
            {
                var (childChunk, _) = SpaceHierarchyService.Describe(child.Summary, child.State, child.AllowedRooms,
                    suggestedOnly);
                childChunk.Remove("children_state");
                children.Add(childChunk);
            }
            else
            {
                inaccessible.Add(childId);
            }
        }

        return new JsonObject
        {
            ["room"] = chunk,
            ["children"] = children,
            ["inaccessible_children"] = inaccessible,
        };
    }

    private sealed record KnownRoom(RoomSummary Summary, IReadOnlyList<StoredEvent> State,
        IReadOnlyList<string> AllowedRooms);

    private async Task<KnownRoom?> SummaryAsync(string roomId, CancellationToken cancellationToken)
    {
        var summaries = await directory.GetSummariesAsync([roomId], cancellationToken);
        if (summaries.Count == 0)
        {
            return null;
        }

        var state = await reader.GetCurrentStateAsync(roomId, cancellationToken);
        return new KnownRoom(summaries[0], state, SpaceHierarchyService.AllowedRoomIds(state));
    }

    private async Task<bool> AccessibleAsync(ServerName origin, KnownRoom room, CancellationToken cancellationToken)
    {
        var summary = room.Summary;
        if (summary.WorldReadable || summary.JoinRule is "public" or "knock" or "knock_restricted")
        {
            return true;
        }

        if (HasJoinedMember(room.State, origin))
        {
            return true;
        }

        if (summary.JoinRule != "restricted")
        {
            return false;
        }

        foreach (var allowed in room.AllowedRooms)
        {
            var servers = await RoomServers.JoinedAsync(reader, allowed, settings.ServerName, cancellationToken);
            if (servers.Contains(origin))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasJoinedMember(IReadOnlyList<StoredEvent> state, ServerName server) =>
        state.Any(s => s.Pdu.Membership == Memberships.Join &&
                       UserId.TryParse(s.Pdu.StateKey, out var user, out _) && user.Domain == server);
}
