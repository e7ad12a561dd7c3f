using Homeserver.ClientApi.Endpoints.Rooms;
using Homeserver.ClientApi.Http;
using Homeserver.Services.Live;
using Homeserver.Services.Live.Gallery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Live;

/// <summary>A room's links and media gallery (docs/LIVE.md).</summary>
public static class GalleryEndpoints
{
    public static void MapLiveGallery(this IEndpointRouteBuilder app)
    {
        // GET /_matrix/client/unstable/org.homeserver.live/rooms/{roomId}/gallery
        app.MapGet(LiveNames.ApiPrefix + "/rooms/{roomId}/gallery", async (HttpContext context, string roomId,
                GalleryService gallery, CancellationToken cancellationToken) =>
            Results.Json(await gallery.GetPageAsync(context.Requester(), roomId, context.Query("kind"),
                string.IsNullOrEmpty(context.Query("from")) ? null : context.Query("from"),
                (int)Math.Clamp(context.QueryInteger("limit") ?? GalleryService.DefaultLimit, 1, GalleryService.MaxLimit),
                cancellationToken)))
            .RequireAccessToken(allowGuests: true);
    }
}
