using System.Text.Json.Nodes;
using Homeserver.ClientApi.Http;
using Homeserver.Http;
using Homeserver.Services;
using Homeserver.Services.Presence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Presence;

public static class PresenceEndpoints
{
    public static void MapPresence(this IEndpointRouteBuilder app)
    {
        // PUT /_matrix/client/v3/presence/{userId}/status
        app.MapPut("/_matrix/client/v3/presence/{userId}/status", async (HttpContext context, string userId,
            PresenceService presence, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            await presence.SetAsync(context.Requester(), userId, JsonFields.OptionalString(body, "presence"),
                JsonFields.OptionalString(body, "status_msg"), cancellationToken);
            return Results.Json(new JsonObject());
        }).RequireAccessToken(allowGuests: true).ExistedInR0().SetsOwnPresence();

        // GET /_matrix/client/v3/presence/{userId}/status
        app.MapGet("/_matrix/client/v3/presence/{userId}/status", async (HttpContext context, string userId,
            PresenceService presence, CancellationToken cancellationToken) =>
            Results.Json(await presence.GetAsync(context.Requester(), userId, cancellationToken)))
            .RequireAccessToken(allowGuests: true).ExistedInR0();
    }
}
