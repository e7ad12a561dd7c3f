using Homeserver.ClientApi.Endpoints.Rooms;
using Homeserver.ClientApi.Http;
using Homeserver.Http;
using Homeserver.Services.Sync;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Sync;

/// <summary>The deprecated sync endpoints the spec still lists, served from /sync's and the room read services.</summary>
public static class LegacySyncEndpoints
{
    public static void MapLegacySync(this IEndpointRouteBuilder app)
    {
        // GET /_matrix/client/v3/events (deprecated)
        app.MapGet("/_matrix/client/v3/events", async (HttpContext context, LegacySyncService legacy,
            CancellationToken cancellationToken) =>
        {
            var timeout = Math.Clamp(context.QueryInteger("timeout") ?? 0, 0, (long)SyncService.MaxTimeout.TotalMilliseconds);
            return BufferedJson.Of(await legacy.EventsAsync(context.Requester(), context.Query("from"),
                TimeSpan.FromMilliseconds(timeout), cancellationToken));
        }).RequireAccessToken(allowGuests: true).ExistedInR0();

        // GET /_matrix/client/v3/events/{eventId} (deprecated)
        app.MapGet("/_matrix/client/v3/events/{eventId}", async (HttpContext context, string eventId,
            LegacySyncService legacy, CancellationToken cancellationToken) =>
            Results.Json(await legacy.EventAsync(context.Requester(), eventId, cancellationToken)))
            .RequireAccessToken(allowGuests: true).ExistedInR0();

        // GET /_matrix/client/v3/initialSync (deprecated)
        app.MapGet("/_matrix/client/v3/initialSync", async (HttpContext context, LegacySyncService legacy,
            CancellationToken cancellationToken) =>
        {
            var limit = context.QueryInteger("limit");
            return BufferedJson.Of(await legacy.InitialSyncAsync(context.Requester(), limit is null ? null : (int)Math.Clamp(limit.Value, 1, 100),
                context.QueryBoolean("archived"), cancellationToken));
        }).RequireAccessToken(allowGuests: true).ExistedInR0();

        // GET /_matrix/client/v3/rooms/{roomId}/initialSync (deprecated)
        app.MapGet("/_matrix/client/v3/rooms/{roomId}/initialSync", async (HttpContext context, string roomId,
            LegacySyncService legacy, CancellationToken cancellationToken) =>
        {
            var limit = context.QueryInteger("limit");
            return BufferedJson.Of(await legacy.RoomInitialSyncAsync(context.Requester(), roomId,
                limit is null ? null : (int)Math.Clamp(limit.Value, 1, 100), cancellationToken));
        }).RequireAccessToken(allowGuests: true).ExistedInR0();
    }
}
