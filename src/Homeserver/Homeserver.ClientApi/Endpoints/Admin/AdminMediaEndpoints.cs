using System.Globalization;
using System.Text.Json.Nodes;
using Homeserver.ClientApi.Http;
using Homeserver.Core.Errors;
using Homeserver.Services.Admin;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Admin;

/// <summary>Synapse's admin media API (<c>docs/admin_api/media_admin_api.md</c>, <c>user_admin_api.md</c>), over
/// <see cref="AdminMediaService"/>.</summary>
public static class AdminMediaEndpoints
{
    private static readonly string[] MediaOrders =
    [
        "media_id", "upload_name", "created_ts", "last_access_ts", "media_length", "media_type", "quarantined_by",
        "safe_from_quarantine",
    ];

    public static void Map(RouteGroupBuilder admin)
    {
        // GET /_synapse/admin/v1/users/{userId}/media
        admin.MapGet("/v1/users/{userId}/media", async (HttpRequest request, string userId,
            AdminMediaService media, CancellationToken cancellationToken) =>
        {
            var (order, backwards) = UserMediaOrder(request);
            return Results.Json(await media.ListUserMediaAsync(userId, order, backwards, AdminQuery.Page(request),
                cancellationToken));
        });

        // DELETE /_synapse/admin/v1/users/{userId}/media
        admin.MapDelete("/v1/users/{userId}/media", async (HttpRequest request, string userId,
            AdminMediaService media, CancellationToken cancellationToken) =>
        {
            var (order, backwards) = UserMediaOrder(request);
            return Results.Json(await media.DeleteUserMediaAsync(userId, order, backwards, AdminQuery.Page(request),
                cancellationToken));
        });

        // GET /_synapse/admin/v1/room/{roomId}/media
        admin.MapGet("/v1/room/{roomId}/media", async (string roomId, AdminMediaService media,
            CancellationToken cancellationToken) => Results.Json(await media.RoomMediaAsync(roomId, cancellationToken)));

        // POST /_synapse/admin/v1/media/quarantine/{serverName}/{mediaId}
        admin.MapPost("/v1/media/quarantine/{serverName}/{mediaId}", async (HttpContext context, string serverName,
            string mediaId, AdminMediaService media, CancellationToken cancellationToken) =>
        {
            await media.QuarantineAsync(serverName, mediaId, context.Requester().UserId.Value, cancellationToken);
            return Results.Json(new JsonObject());
        });

        // POST /_synapse/admin/v1/media/unquarantine/{serverName}/{mediaId}
        admin.MapPost("/v1/media/unquarantine/{serverName}/{mediaId}", async (string serverName, string mediaId,
            AdminMediaService media, CancellationToken cancellationToken) =>
        {
            await media.UnquarantineAsync(serverName, mediaId, cancellationToken);
            return Results.Json(new JsonObject());
        });

        // POST /_synapse/admin/v1/room/{roomId}/media/quarantine (and its older name /v1/quarantine_media/{roomId})
        admin.MapPost("/v1/room/{roomId}/media/quarantine", QuarantineRoomAsync);
        admin.MapPost("/v1/quarantine_media/{roomId}", QuarantineRoomAsync);

        // POST /_synapse/admin/v1/user/{userId}/media/quarantine
        admin.MapPost("/v1/user/{userId}/media/quarantine", async (HttpContext context, string userId,
            AdminMediaService media, CancellationToken cancellationToken) =>
            Results.Json(new JsonObject
            {
                ["num_quarantined"] = await media.QuarantineUserAsync(userId, context.Requester().UserId.Value,
                    cancellationToken),
            }));

        // POST /_synapse/admin/v1/media/protect/{mediaId} and /unprotect/{mediaId}
        admin.MapPost("/v1/media/protect/{mediaId}", (string mediaId, AdminMediaService media,
            CancellationToken cancellationToken) => ProtectAsync(media, mediaId, true, cancellationToken));
        admin.MapPost("/v1/media/unprotect/{mediaId}", (string mediaId, AdminMediaService media,
            CancellationToken cancellationToken) => ProtectAsync(media, mediaId, false, cancellationToken));

        // DELETE /_synapse/admin/v1/media/{serverName}/{mediaId}
        admin.MapDelete("/v1/media/{serverName}/{mediaId}", async (string serverName, string mediaId,
            AdminMediaService media, CancellationToken cancellationToken) =>
            Results.Json(await media.DeleteAsync(serverName, mediaId, cancellationToken)));

        // POST /_synapse/admin/v1/media/delete (and /v1/media/{serverName}/delete)
        admin.MapPost("/v1/media/delete", (HttpRequest request, AdminMediaService media,
            CancellationToken cancellationToken) => DeleteOldAsync(request, null, media, cancellationToken));
        admin.MapPost("/v1/media/{serverName}/delete", (HttpRequest request, string serverName,
            AdminMediaService media, CancellationToken cancellationToken) =>
            DeleteOldAsync(request, serverName, media, cancellationToken));

        // POST /_synapse/admin/v1/purge_media_cache
        admin.MapPost("/v1/purge_media_cache", async (HttpRequest request, AdminMediaService media,
            CancellationToken cancellationToken) =>
            Results.Json(await media.PurgeRemoteCacheAsync(RequiredLong(request, "before_ts"), cancellationToken)));
    }

    private static async Task<IResult> QuarantineRoomAsync(HttpContext context, string roomId,
        AdminMediaService media, CancellationToken cancellationToken) =>
        Results.Json(new JsonObject
        {
            ["num_quarantined"] = await media.QuarantineRoomAsync(roomId, context.Requester().UserId.Value,
                cancellationToken),
        });

    private static async Task<IResult> ProtectAsync(AdminMediaService media, string mediaId, bool isProtected,
        CancellationToken cancellationToken)
    {
        await media.ProtectAsync(mediaId, isProtected, cancellationToken);
        return Results.Json(new JsonObject());
    }

    private static async Task<IResult> DeleteOldAsync(HttpRequest request, string? serverName,
        AdminMediaService media, CancellationToken cancellationToken)
    {
        var beforeTs = RequiredLong(request, "before_ts");
        var sizeGreaterThan = AdminQuery.NonNegative(request, "size_gt", 0);
        var keepProfiles = AdminQuery.Boolean(request, "keep_profiles") ?? true;
        if (serverName is not null && !media.IsLocal(serverName))
        {
            throw new MatrixException(ErrorCode.Unknown, "Can only delete local media", 400);
        }

        return Results.Json(await media.DeleteOldLocalAsync(beforeTs, sizeGreaterThan, keepProfiles,
            cancellationToken));
    }

    /// <summary>Synapse's default for a user's media is newest first; naming either parameter makes it created_ts
    /// ascending unless said otherwise.</summary>
    private static (AdminMediaOrder Order, bool Backwards) UserMediaOrder(HttpRequest request)
    {
        if (AdminQuery.Text(request, "order_by") is null && AdminQuery.Text(request, "dir") is null)
        {
            return (AdminMediaOrder.CreatedTs, true);
        }

        var order = AdminQuery.OneOf(request, "order_by", "created_ts", MediaOrders) switch
        {
            "media_id" => AdminMediaOrder.MediaId,
            "upload_name" => AdminMediaOrder.UploadName,
            "last_access_ts" => AdminMediaOrder.LastAccessTs,
            "media_length" => AdminMediaOrder.MediaLength,
            "media_type" => AdminMediaOrder.MediaType,
            "quarantined_by" => AdminMediaOrder.QuarantinedBy,
            "safe_from_quarantine" => AdminMediaOrder.SafeFromQuarantine,
            _ => AdminMediaOrder.CreatedTs,
        };
        return (order, AdminQuery.Backwards(request));
    }

    private static long RequiredLong(HttpRequest request, string name)
    {
        var text = AdminQuery.Text(request, name)
                   ?? throw new MatrixException(ErrorCode.MissingParam,
                       $"Missing required integer query parameter {name}");
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            throw new MatrixException(ErrorCode.InvalidParam, $"Query parameter {name} must be an integer");
        }

        return value >= 0
            ? value
            : throw new MatrixException(ErrorCode.InvalidParam, $"Query parameter {name} must be a positive integer.");
    }
}
