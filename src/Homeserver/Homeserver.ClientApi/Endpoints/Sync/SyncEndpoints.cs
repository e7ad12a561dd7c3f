using System.Text.Json.Nodes;
using Homeserver.ClientApi.Endpoints.Presence;
using Homeserver.ClientApi.Endpoints.Rooms;
using Homeserver.ClientApi.Http;
using Homeserver.Http;
using Homeserver.Services.Presence;
using Homeserver.Services.Sync;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Sync;

/// <summary>/sync and the filters it uses.</summary>
public static class SyncEndpoints
{
    public static void MapSync(this IEndpointRouteBuilder app)
    {
        // GET /_matrix/client/v3/sync
        app.MapGet("/_matrix/client/v3/sync", async (HttpContext context, SyncService sync,
            PresenceService presence, CancellationToken cancellationToken) =>
        {
            using var syncing = await presence.SyncStartingAsync(context.Requester(), context.Query("set_presence"),
                cancellationToken);
            var timeout = context.QueryInteger("timeout") ?? 0;
            var parameters = new SyncParameters(context.Query("since"), context.Query("filter"),
                context.QueryBoolean("full_state"), context.QueryBoolean("use_state_after"),
                TimeSpan.FromMilliseconds(Math.Clamp(timeout, 0, (long)SyncService.MaxTimeout.TotalMilliseconds)));
            return BufferedJson.Of(await sync.SyncAsync(context.Requester(), parameters, cancellationToken));
        }).RequireAccessToken(allowGuests: true).ExistedInR0().SetsOwnPresence();

        // POST /_matrix/client/v3/user/{userId}/filter
        app.MapPost("/_matrix/client/v3/user/{userId}/filter", async (HttpContext context, string userId,
            FilterService filters, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            var id = await filters.CreateAsync(context.Requester(), userId, body, cancellationToken);
            return Results.Json(new JsonObject { ["filter_id"] = id });
        }).RequireAccessToken(allowGuests: true).ExistedInR0();

        // GET /_matrix/client/v3/user/{userId}/filter/{filterId}
        app.MapGet("/_matrix/client/v3/user/{userId}/filter/{filterId}", async (HttpContext context, string userId,
            string filterId, FilterService filters, CancellationToken cancellationToken) =>
            Results.Text(await filters.GetAsync(context.Requester(), userId, filterId, cancellationToken),
                "application/json"))
            .RequireAccessToken(allowGuests: true).ExistedInR0();
    }
}
