using System.Text.Json.Nodes;
using Homeserver.ClientApi.Http;
using Homeserver.Core.Errors;
using Homeserver.Http;
using Homeserver.Services.Media;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace Homeserver.ClientApi.Endpoints.Media;

/// <summary>Uploads (sync, and async: create then PUT) and the media configuration.</summary>
public static class MediaUploadEndpoints
{
    private const int MaxFileNameLength = 1024;
    private const int MaxContentTypeLength = 255;

    public static void MapMediaUploads(this IEndpointRouteBuilder app, long maxUploadBytes)
    {
        // POST /_matrix/media/v3/upload
        app.MapPost("/_matrix/media/v3/upload", async (HttpContext context, MediaService media,
                CancellationToken cancellationToken) =>
            {
                var uri = await media.UploadAsync(context.Requester(), ReadUpload(context.Request), cancellationToken);
                return Results.Json(new JsonObject { ["content_uri"] = uri });
            })
            .RequireAccessToken(allowGuests: true).WithBodyLimit(maxUploadBytes);

        // POST /_matrix/media/v1/create
        app.MapPost("/_matrix/media/v1/create", async (HttpContext context, MediaService media,
                CancellationToken cancellationToken) =>
            {
                var (uri, expiresAt) = await media.CreateAsync(context.Requester(), cancellationToken);
                return Results.Json(new JsonObject { ["content_uri"] = uri, ["unused_expires_at"] = expiresAt });
            })
            .RequireAccessToken(allowGuests: true);

        // PUT /_matrix/media/v3/upload/{serverName}/{mediaId}
        app.MapPut("/_matrix/media/v3/upload/{serverName}/{mediaId}", async (HttpContext context, string serverName,
                string mediaId, MediaService media, CancellationToken cancellationToken) =>
            {
                await media.UploadToAsync(context.Requester(), serverName, mediaId, ReadUpload(context.Request),
                    cancellationToken);
                return Results.Json(new JsonObject());
            })
            .RequireAccessToken(allowGuests: true).WithBodyLimit(maxUploadBytes);

        // GET /_matrix/client/v1/media/config
        app.MapGet("/_matrix/client/v1/media/config", (MediaService media) => Config(media))
            .RequireAccessToken(allowGuests: true);

        // GET /_matrix/media/v3/config (deprecated)
        app.MapGet("/_matrix/media/v3/config", (MediaService media) => Config(media))
            .RequireAccessToken(allowGuests: true);
    }

    private static IResult Config(MediaService media) =>
        Results.Json(new JsonObject { ["m.upload.size"] = media.MaxUploadBytes });

    private static MediaUpload ReadUpload(HttpRequest request)
    {
        var contentType = request.ContentType;
        if (string.IsNullOrWhiteSpace(contentType))
        {
            contentType = MediaService.DefaultContentType;
        }
        else if (contentType.Length > MaxContentTypeLength || !MediaTypeHeaderValue.TryParse(contentType, out _) ||
                 contentType.Any(char.IsControl))
        {
            throw new MatrixException(ErrorCode.InvalidParam, "Content-Type is not a media type");
        }

        string? fileName = request.Query.TryGetValue("filename", out var names) && names.Count > 0 ? names[0] : null;
        if (fileName is not null && (fileName.Length > MaxFileNameLength || fileName.Any(char.IsControl)))
        {
            throw new MatrixException(ErrorCode.InvalidParam,
                $"filename must be at most {MaxFileNameLength} characters without control characters");
        }

        return new MediaUpload(request.Body, contentType.Trim(), string.IsNullOrEmpty(fileName) ? null : fileName,
            request.ContentLength);
    }
}
