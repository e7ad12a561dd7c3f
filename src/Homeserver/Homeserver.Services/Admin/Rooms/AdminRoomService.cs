using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Configuration;
using Homeserver.Services.Rooms;
using Homeserver.Services.Rooms.Directory;

namespace Homeserver.Services.Admin.Rooms;

/// <summary>
/// Synapse's admin API for one room or the list of them: details, members, state, forward extremities, blocking and
/// make_room_admin. Reads need no membership of the admin; what is written (power levels, an invite) is written by
/// a local member of the room with the power to, as Synapse does.
/// </summary>
public sealed class AdminRoomService(IAdminRoomStore store, IRoomBlocklist blocklist, IRoomEventReader reader,
    IRoomHistoryReader history, ClientEventFormatter formatter, RoomAliasService aliases, MessagingService messaging,
    MembershipService memberships, IRoomHeadCache heads, HomeserverSettings settings)
{
    private string ServerName => settings.ServerName.Value;

    public async Task<JsonObject> ListAsync(AdminRoomQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (rooms, total) = await store.ListAsync(query, ServerName, cancellationToken);
        var response = new JsonObject
        {
            ["offset"] = query.From,
            ["rooms"] = new JsonArray(rooms.Select(r => (JsonNode)ToJson(r)).ToArray()),
            ["total_rooms"] = total,
        };
        if ((long)query.From + query.Limit < total)
        {
            response["next_batch"] = query.From + query.Limit;
        }

        if (query.From > 0)
        {
            response["prev_batch"] = Math.Max(0, query.From - query.Limit);
        }

        return response;
    }

    /// <summary>GET /v1/rooms/{roomId}: the list's fields plus local devices, forgotten and tombstone.</summary>
    public async Task<JsonObject> GetDetailsAsync(string roomId, CancellationToken cancellationToken)
    {
        var room = await store.GetAsync(roomId, ServerName, cancellationToken) ??
                   throw new MatrixException(ErrorCode.NotFound, "Room not found");
        var details = ToJson(room);
        var members = await store.GetJoinedMembersAsync(roomId, cancellationToken);
        details["joined_local_devices"] = await store.CountDevicesAsync(members, cancellationToken);
        details["forgotten"] = await store.IsForgottenAsync(roomId, ServerName, cancellationToken);
        var tombstone = await history.GetCurrentStateEventAsync(roomId, "m.room.tombstone", "", cancellationToken);
        details["tombstoned"] = tombstone is not null;
        details["replacement_room"] = tombstone?.Pdu.ContentString("replacement_room");
        return details;
    }

    public async Task<JsonObject> GetMembersAsync(string roomId, CancellationToken cancellationToken)
    {
        await RequireKnownAsync(roomId, cancellationToken);
        var members = await store.GetJoinedMembersAsync(roomId, cancellationToken);
        return new JsonObject
        {
            ["members"] = new JsonArray(members.Select(m => (JsonNode?)m).ToArray()),
            ["total"] = members.Count,
        };
    }

    /// <summary>GET /v1/rooms/{roomId}/state, optionally only events of one <paramref name="type"/>.</summary>
    public async Task<JsonObject> GetStateAsync(string roomId, string? type, CancellationToken cancellationToken)
    {
        await RequireKnownAsync(roomId, cancellationToken);
        var state = await reader.GetCurrentStateAsync(roomId, cancellationToken);
        var events = state.Where(e => string.IsNullOrEmpty(type) || e.Pdu.Type == type)
            .Select(e => (JsonNode)formatter.Format(e, null)).ToArray();
        return new JsonObject { ["state"] = new JsonArray(events) };
    }

    public async Task<JsonObject> GetForwardExtremitiesAsync(string roomIdOrAlias, CancellationToken cancellationToken)
    {
        var roomId = await ResolveAsync(roomIdOrAlias, cancellationToken);
        var extremities = await store.GetForwardExtremitiesAsync(roomId, cancellationToken);
        return new JsonObject
        {
            ["count"] = extremities.Count,
            ["results"] = new JsonArray(extremities.Select(x => (JsonNode)new JsonObject
            {
                ["event_id"] = x.EventId,
                ["state_group"] = x.StateGroup,
                ["depth"] = x.Depth,
                ["received_ts"] = x.ReceivedTs,
            }).ToArray()),
        };
    }

    public async Task<JsonObject> DeleteForwardExtremitiesAsync(string roomIdOrAlias,
        CancellationToken cancellationToken)
    {
        var roomId = await ResolveAsync(roomIdOrAlias, cancellationToken);
        var deleted = await store.DeleteForwardExtremitiesAsync(roomId, cancellationToken);
        heads.Evict(roomId);
        return new JsonObject { ["deleted"] = deleted };
    }

    public async Task<JsonObject> GetBlockAsync(string roomId, CancellationToken cancellationToken)
    {
        RequireRoomId(roomId);
        return await blocklist.BlockedByAsync(roomId, cancellationToken) is { } admin
            ? new JsonObject { ["block"] = true, ["user_id"] = admin }
            : new JsonObject { ["block"] = false };
    }

    public async Task<JsonObject> SetBlockAsync(Requester requester, string roomId, bool block,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        RequireRoomId(roomId);
        if (block)
        {
            await blocklist.BlockAsync(roomId, requester.UserId.Value, cancellationToken);
        }
        else
        {
            await blocklist.UnblockAsync(roomId, cancellationToken);
        }

        return new JsonObject { ["block"] = block };
    }

    /// <summary>
    /// POST /v1/rooms/{roomIdOrAlias}/make_room_admin: the most powerful local user joined to the room (or a local
    /// creator, who outranks everyone in rooms of version 12) gives <paramref name="userId"/> their own power level,
    /// then invites them unless they are joined or invited already or the room is public.
    /// </summary>
    public async Task MakeRoomAdminAsync(Requester requester, string roomIdOrAlias, string? userId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var roomId = await ResolveAsync(roomIdOrAlias, cancellationToken);
        var target = userId ?? requester.UserId.Value;
        var create = await history.GetCurrentStateEventAsync(roomId, EventTypes.Create, "", cancellationToken) ??
                     throw new MatrixException(ErrorCode.Unknown, "Server not in room", 400);
        var powerLevels = await history.GetCurrentStateEventAsync(roomId, EventTypes.PowerLevels, "", cancellationToken);
        var content = powerLevels is null ? new JsonObject() : JsonNode.Parse(powerLevels.Pdu.Content.GetRawText())!.AsObject();
        var users = content["users"] as JsonObject ?? [];
        var candidates = users.Where(u => IsLocal(u.Key))
            .OrderBy(u => u.Value?.GetValueKind() == System.Text.Json.JsonValueKind.Number ? u.Value.GetValue<double>() : 0)
            .Select(u => u.Key).ToList();
        if (powerLevels is null || create.Pdu.Version.CreatorsHaveInfinitePower)
        {
            candidates.AddRange(create.Pdu.RoomCreators.Where(IsLocal));
        }

        string? admin = null;
        foreach (var candidate in Enumerable.Reverse(candidates))
        {
            if ((await reader.GetMembershipAsync(roomId, candidate, cancellationToken))?.Membership == Memberships.Join)
            {
                admin = candidate;
                break;
            }
        }

        if (admin is null)
        {
            throw new MatrixException(ErrorCode.Unknown, "No local admin user in room", 400);
        }

        var newUsers = users.DeepClone().AsObject();
        newUsers[target] = users[admin]?.DeepClone() ?? 100;
        var newContent = content.DeepClone().AsObject();
        newContent["users"] = newUsers;
        var acting = new Requester(UserId.Parse(admin), null, false, false, null);
        try
        {
            await messaging.SetStateAsync(acting, roomId, EventTypes.PowerLevels, "", newContent, null,
                cancellationToken);
        }
        catch (MatrixException refused) when (refused.Code == ErrorCode.Forbidden)
        {
            throw new MatrixException(ErrorCode.Unknown,
                "No local admin user in room with power to update power levels.", 400);
        }

        var membership = (await reader.GetMembershipAsync(roomId, target, cancellationToken))?.Membership;
        var joinRule = (await history.GetCurrentStateEventAsync(roomId, EventTypes.JoinRules, "", cancellationToken))
            ?.Pdu.ContentString("join_rule");
        if (membership is Memberships.Join or Memberships.Invite || joinRule == "public")
        {
            return;
        }

        await memberships.InviteAsync(acting, roomId, target, null, cancellationToken);
    }

    /// <summary>A room ID as it is, or the room of an alias (404 when the alias is unknown).</summary>
    public async Task<string> ResolveAsync(string roomIdOrAlias, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(roomIdOrAlias);
        if (roomIdOrAlias.StartsWith('#') && RoomAlias.TryParse(roomIdOrAlias, out _, out _))
        {
            return await aliases.ResolveAsync(roomIdOrAlias, cancellationToken);
        }

        return roomIdOrAlias.StartsWith('!') && RoomId.TryParse(roomIdOrAlias, out _, out _)
            ? roomIdOrAlias
            : throw new MatrixException(ErrorCode.Unknown, $"{roomIdOrAlias} was not legal room ID or room alias", 400);
    }

    /// <summary>400 "... is not a legal room ID" as Synapse answers for a malformed room ID.</summary>
    public static void RequireRoomId(string roomId)
    {
        if (!RoomId.TryParse(roomId, out _, out _))
        {
            throw new MatrixException(ErrorCode.Unknown, $"{roomId} is not a legal room ID", 400);
        }
    }

    private async Task RequireKnownAsync(string roomId, CancellationToken cancellationToken)
    {
        if (await reader.GetRoomVersionAsync(roomId, cancellationToken) is null)
        {
            throw new MatrixException(ErrorCode.NotFound, "Room not found");
        }
    }

    private bool IsLocal(string userId) => UserId.TryParse(userId, out var parsed, out _) && parsed.Domain == settings.ServerName;

    private static JsonObject ToJson(AdminRoomSummary room) => new()
    {
        ["room_id"] = room.RoomId,
        ["name"] = room.Name,
        ["topic"] = room.Topic,
        ["avatar"] = room.Avatar,
        ["canonical_alias"] = room.CanonicalAlias,
        ["joined_members"] = room.JoinedMembers,
        ["joined_local_members"] = room.JoinedLocalMembers,
        ["version"] = room.Version,
        ["creator"] = room.Creator,
        ["encryption"] = room.Encryption,
        ["federatable"] = room.Federatable,
        ["public"] = room.Public,
        ["join_rules"] = room.JoinRules,
        ["guest_access"] = room.GuestAccess,
        ["history_visibility"] = room.HistoryVisibility,
        ["state_events"] = room.StateEvents,
        ["room_type"] = room.RoomType,
    };
}
