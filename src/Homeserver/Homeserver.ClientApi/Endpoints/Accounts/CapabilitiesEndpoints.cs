using System.Text.Json.Nodes;
using Homeserver.ClientApi.Http;
using Homeserver.Services.Accounts;
using Homeserver.Services.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Accounts;

public static class CapabilitiesEndpoints
{
    public static void MapCapabilities(this IEndpointRouteBuilder app)
    {
        // GET /_matrix/client/v3/capabilities
        app.MapGet("/_matrix/client/v3/capabilities", (HttpContext context, HomeserverSettings settings) =>
            Results.Json(new JsonObject
            {
                ["capabilities"] = Capabilities.For(context.Requester(), settings.Rooms.ForgetRoomsOnLeave),
            }))
            .RequireAccessToken(allowGuests: true).ExistedInR0();
    }
}
