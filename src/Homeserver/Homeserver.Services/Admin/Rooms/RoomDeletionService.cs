using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Configuration;
using Homeserver.Services.Rooms;
using Homeserver.Services.Rooms.Directory;

namespace Homeserver.Services.Admin.Rooms;

/// <summary>What DELETE /v2/rooms/{roomId} was asked (Synapse's defaults: no block, purge, no force).</summary>
public sealed record RoomDeletionRequest(string RequesterUserId, bool Block, bool Purge, bool ForcePurge,
    string? NewRoomUserId, string? RoomName, string? Message);

/// <summary>
/// DELETE /_synapse/admin/v2/rooms/{roomId}, in the background: optionally block the room; make every local member
/// leave (and forget it), moving them to a new room made by <c>new_room_user_id</c> when one is given, where the
/// room's local aliases then point; then, with <c>purge</c>, remove the room from the database (refused while
/// remote users remain joined, unless <c>force_purge</c>).
/// </summary>
public sealed class RoomDeletionService(AdminRoomJobs jobs, IAdminRoomJobStore jobStore, IRoomBlocklist blocklist,
    IAdminRoomStore rooms, IRoomPurgeStore purge, IRoomHeadCache heads, IRoomEventReader reader,
    MembershipService memberships, IRoomMembershipFlags flags, RoomCreationService creation,
    MessagingService messaging, IRoomAliasStore aliases, HomeserverSettings settings)
{
    public const string DefaultRoomName = "Content Violation Notification";

    public const string DefaultMessage =
        "Sharing illegal content on this server is not permitted and rooms in violation will be blocked.";

    public async Task<string> StartAsync(string roomId, RoomDeletionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        AdminRoomService.RequireRoomId(roomId);
        if (request.NewRoomUserId is { } newRoomUser &&
            (!UserId.TryParse(newRoomUser, out var parsed, out _) || parsed.Domain != settings.ServerName))
        {
            throw new MatrixException(ErrorCode.Unknown, $"User must be our own: {newRoomUser}", 400);
        }

        return await jobs.StartAsync(AdminRoomJobs.Delete, roomId,
            ct => DeleteAsync(roomId, request, ct), cancellationToken);
    }

    /// <summary>GET /v2/rooms/{roomId}/delete_status.</summary>
    public async Task<JsonObject> GetStatusByRoomAsync(string roomId, CancellationToken cancellationToken)
    {
        AdminRoomService.RequireRoomId(roomId);
        var found = await jobStore.ListByRoomAsync(roomId, AdminRoomJobs.Delete, cancellationToken);
        return found.Count > 0
            ? new JsonObject { ["results"] = new JsonArray(found.Select(j => (JsonNode)ToJson(j)).ToArray()) }
            : throw new MatrixException(ErrorCode.NotFound, $"No delete task for room_id '{roomId}' found");
    }

    /// <summary>GET /v2/rooms/delete_status/{deleteId}.</summary>
    public async Task<JsonObject> GetStatusAsync(string deleteId, CancellationToken cancellationToken) =>
        await jobStore.GetAsync(deleteId, cancellationToken) is { Kind: AdminRoomJobs.Delete } job
            ? ToJson(job)
            : throw new MatrixException(ErrorCode.NotFound, $"delete id '{deleteId}' not found");

    private async Task<string?> DeleteAsync(string roomId, RoomDeletionRequest request,
        CancellationToken cancellationToken)
    {
        if (request.Block)
        {
            await blocklist.BlockAsync(roomId, request.RequesterUserId, cancellationToken);
        }

        var result = new JsonObject
        {
            ["kicked_users"] = new JsonArray(), ["failed_to_kick_users"] = new JsonArray(),
            ["local_aliases"] = new JsonArray(), ["new_room_id"] = null,
        };
        if (await reader.GetRoomVersionAsync(roomId, cancellationToken) is null)
        {
            return request.Block
                ? result.ToJsonString()
                : throw new MatrixException(ErrorCode.NotFound, $"Unknown room id {roomId}");
        }

        string? newRoomId = null;
        if (request.NewRoomUserId is { } owner)
        {
            newRoomId = await CreateNoticeRoomAsync(Act(owner), request, cancellationToken);
            result["new_room_id"] = newRoomId;
        }

        await MoveLocalMembersAsync(roomId, newRoomId, result, cancellationToken);
        await MoveAliasesAsync(roomId, newRoomId, request, result, cancellationToken);
        if (request.Purge)
        {
            if (!request.ForcePurge && (await rooms.GetJoinedMembersAsync(roomId, cancellationToken)).Count > 0)
            {
                throw new MatrixException(ErrorCode.Unknown, "Users are still joined to this room", 400);
            }

            await purge.PurgeRoomAsync(roomId, cancellationToken);
            heads.Evict(roomId);
        }

        return result.ToJsonString();
    }

    private async Task<string> CreateNoticeRoomAsync(Requester owner, RoomDeletionRequest request,
        CancellationToken cancellationToken)
    {
        var created = await creation.CreateAsync(owner, new CreateRoomRequest("private", null,
            request.RoomName ?? DefaultRoomName, null, [], null, null, [], "public_chat", false,
            new JsonObject { ["users_default"] = -10 }), cancellationToken);
        await messaging.SendAsync(owner, created.RoomId, "m.room.message",
            new JsonObject { ["msgtype"] = "m.text", ["body"] = request.Message ?? DefaultMessage },
            $"admin-delete-{Guid.NewGuid():N}", null, cancellationToken);
        return created.RoomId;
    }

    private async Task MoveLocalMembersAsync(string roomId, string? newRoomId, JsonObject result,
        CancellationToken cancellationToken)
    {
        var local = (await rooms.GetJoinedMembersAsync(roomId, cancellationToken))
            .Where(u => UserId.TryParse(u, out var id, out _) && id.Domain == settings.ServerName).ToList();
        foreach (var user in local)
        {
            try
            {
                await memberships.LeaveAsync(Act(user), roomId, null, cancellationToken);
                await flags.ForgetAsync(roomId, user, cancellationToken);
                if (newRoomId is not null)
                {
                    await memberships.JoinAsync(Act(user), newRoomId, null, cancellationToken);
                }

                ((JsonArray)result["kicked_users"]!).Add(user);
            }
            catch (MatrixException)
            {
                ((JsonArray)result["failed_to_kick_users"]!).Add(user);
            }
        }
    }

    private async Task MoveAliasesAsync(string roomId, string? newRoomId, RoomDeletionRequest request,
        JsonObject result, CancellationToken cancellationToken)
    {
        foreach (var alias in await aliases.GetAliasesOfRoomAsync(roomId, cancellationToken))
        {
            await aliases.DeleteAsync(alias, cancellationToken);
            if (newRoomId is not null)
            {
                await aliases.TryCreateAsync(alias, newRoomId, request.NewRoomUserId!, cancellationToken);
            }

            ((JsonArray)result["local_aliases"]!).Add(alias);
        }
    }

    // The admin API acts for users without a device of theirs: its own name scopes the notice's transaction ID.
    private static Requester Act(string userId) => new(UserId.Parse(userId), "synapse-admin-api", false, false, null);

    private static JsonObject ToJson(AdminRoomJob job)
    {
        var status = new JsonObject
        {
            ["delete_id"] = job.JobId,
            ["room_id"] = job.RoomId,
            ["status"] = job.Status,
            ["shutdown_room"] = job.Result is null ? null : JsonNode.Parse(job.Result),
        };
        if (job.Error is not null)
        {
            status["error"] = job.Error;
        }

        return status;
    }
}
