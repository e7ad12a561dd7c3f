using System.Globalization;
using Homeserver.Core.Errors;
using Homeserver.Federation.Http;
using Homeserver.Services.Configuration;
using Homeserver.Services.Media;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.Federation.Endpoints;

/// <summary>This server's media for other servers (spec v1.11): only media uploaded here, as multipart/mixed.</summary>
public static class FederationMediaEndpoints
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromSeconds(60);

    public static void MapFederationMedia(this IEndpointRouteBuilder app)
    {
        // GET /_matrix/federation/v1/media/download/{mediaId}
        app.MapGet("/_matrix/federation/v1/media/download/{mediaId}", async (HttpContext context, string mediaId,
            MediaService media, HomeserverSettings settings, CancellationToken cancellationToken) =>
        {
            _ = context.Origin();
            var content = await media.DownloadAsync(settings.ServerName.Value, mediaId,
                Timeout(context.Request.Query["timeout_ms"].FirstOrDefault()), unauthenticated: false,
                cancellationToken, allowRemote: false);
            return new MultipartMediaResult(content, content.FileName);
        });

        // GET /_matrix/federation/v1/media/thumbnail/{mediaId}
        app.MapGet("/_matrix/federation/v1/media/thumbnail/{mediaId}", async (HttpContext context, string mediaId,
            ThumbnailService thumbnails, HomeserverSettings settings, CancellationToken cancellationToken) =>
        {
            _ = context.Origin();
            var query = context.Request.Query;
            var method = query["method"].FirstOrDefault() switch
            {
                null or "scale" => ThumbnailMethod.Scale,
                "crop" => ThumbnailMethod.Crop,
                _ => throw new MatrixException(ErrorCode.InvalidParam, "method must be crop or scale"),
            };
            var animated = query["animated"].FirstOrDefault() switch
            {
                null or "false" => false,
                "true" => true,
                _ => throw new MatrixException(ErrorCode.InvalidParam, "animated must be true or false"),
            };
            var content = await thumbnails.GetAsync(settings.ServerName.Value, mediaId,
                Dimension(query["width"].FirstOrDefault(), "width"), Dimension(query["height"].FirstOrDefault(), "height"),
                method, animated, Timeout(query["timeout_ms"].FirstOrDefault()), unauthenticated: false,
                cancellationToken, allowRemote: false);
            return new MultipartMediaResult(content, null);
        });
    }

    private static int Dimension(string? value, string name) =>
        value is null ? throw new MatrixException(ErrorCode.MissingParam, $"Missing {name}")
        : int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) ? parsed
        : throw new MatrixException(ErrorCode.InvalidParam, $"{name} must be a whole number");

    private static TimeSpan Timeout(string? value) =>
        value is null ? DefaultTimeout
        : long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            ? TimeSpan.FromMilliseconds(Math.Min(ms, (long)MaxTimeout.TotalMilliseconds))
            : throw new MatrixException(ErrorCode.InvalidParam, "timeout_ms must be a whole number of milliseconds");
}
