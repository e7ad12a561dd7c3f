using Homeserver.ClientApi.Http;
using Homeserver.Services.Media;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Media;

/// <summary>
/// Downloads and thumbnails: the authenticated <c>/_matrix/client/v1/media</c> endpoints (spec v1.11) and the
/// deprecated unauthenticated <c>/_matrix/media/v3</c> ones, which answer 404 for media created while
/// <c>Media:FreezeUnauthenticated</c> was on.
/// </summary>
public static class MediaDownloadEndpoints
{
    private const string Authenticated = "/_matrix/client/v1/media";
    private const string Legacy = "/_matrix/media/v3";

    public static void MapMediaDownloads(this IEndpointRouteBuilder app)
    {
        // GET /_matrix/client/v1/media/download/{serverName}/{mediaId}
        app.MapGet(Authenticated + "/download/{serverName}/{mediaId}", (HttpContext context, string serverName,
                string mediaId, MediaService media, CancellationToken cancellationToken) =>
            DownloadAsync(context, serverName, mediaId, null, unauthenticated: false, media, cancellationToken))
            .RequireAccessToken(allowGuests: true);

        // GET /_matrix/client/v1/media/download/{serverName}/{mediaId}/{fileName}
        app.MapGet(Authenticated + "/download/{serverName}/{mediaId}/{fileName}", (HttpContext context,
                string serverName, string mediaId, string fileName, MediaService media,
                CancellationToken cancellationToken) =>
            DownloadAsync(context, serverName, mediaId, fileName, unauthenticated: false, media, cancellationToken))
            .RequireAccessToken(allowGuests: true);

        // GET /_matrix/client/v1/media/thumbnail/{serverName}/{mediaId}
        app.MapGet(Authenticated + "/thumbnail/{serverName}/{mediaId}", (HttpContext context, string serverName,
                string mediaId, ThumbnailService thumbnails, CancellationToken cancellationToken) =>
            ThumbnailAsync(context, serverName, mediaId, unauthenticated: false, thumbnails, cancellationToken))
            .RequireAccessToken(allowGuests: true);

        // GET /_matrix/media/v3/download/{serverName}/{mediaId} (deprecated, unauthenticated)
        app.MapGet(Legacy + "/download/{serverName}/{mediaId}", (HttpContext context, string serverName,
                string mediaId, MediaService media, CancellationToken cancellationToken) =>
            DownloadAsync(context, serverName, mediaId, null, unauthenticated: true, media, cancellationToken));

        // GET /_matrix/media/v3/download/{serverName}/{mediaId}/{fileName} (deprecated, unauthenticated)
        app.MapGet(Legacy + "/download/{serverName}/{mediaId}/{fileName}", (HttpContext context, string serverName,
                string mediaId, string fileName, MediaService media, CancellationToken cancellationToken) =>
            DownloadAsync(context, serverName, mediaId, fileName, unauthenticated: true, media, cancellationToken));

        // GET /_matrix/media/v3/thumbnail/{serverName}/{mediaId} (deprecated, unauthenticated)
        app.MapGet(Legacy + "/thumbnail/{serverName}/{mediaId}", (HttpContext context, string serverName,
                string mediaId, ThumbnailService thumbnails, CancellationToken cancellationToken) =>
            ThumbnailAsync(context, serverName, mediaId, unauthenticated: true, thumbnails, cancellationToken));
    }

    private static async Task<IResult> DownloadAsync(HttpContext context, string serverName, string mediaId,
        string? fileName, bool unauthenticated, MediaService media, CancellationToken cancellationToken)
    {
        var query = context.Request.Query;
        _ = MediaResults.Flag(query, "allow_redirect", byDefault: false);
        var allowRemote = MediaResults.Flag(query, "allow_remote", byDefault: true);
        var content = await media.DownloadAsync(serverName, mediaId, MediaResults.Timeout(query), unauthenticated,
            cancellationToken, allowRemote);
        return MediaResults.Serve(context, content, fileName ?? content.FileName);
    }

    private static async Task<IResult> ThumbnailAsync(HttpContext context, string serverName, string mediaId,
        bool unauthenticated, ThumbnailService thumbnails, CancellationToken cancellationToken)
    {
        var query = context.Request.Query;
        var width = MediaResults.RequiredDimension(query, "width");
        var height = MediaResults.RequiredDimension(query, "height");
        var method = MediaResults.Method(query);
        var animated = MediaResults.Flag(query, "animated", byDefault: false);
        _ = MediaResults.Flag(query, "allow_redirect", byDefault: false);
        var allowRemote = MediaResults.Flag(query, "allow_remote", byDefault: true);
        var content = await thumbnails.GetAsync(serverName, mediaId, width, height, method, animated,
            MediaResults.Timeout(query), unauthenticated, cancellationToken, allowRemote);
        return MediaResults.Serve(context, content, content.FileName);
    }
}
