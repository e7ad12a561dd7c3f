using Homeserver.ClientApi.Http;
using Homeserver.Services.Voip;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints;

public static class VoipEndpoints
{
    public static void MapVoip(this IEndpointRouteBuilder app)
    {
        // GET /_matrix/client/v3/voip/turnServer
        app.MapGet("/_matrix/client/v3/voip/turnServer", (HttpContext context, TurnCredentials turn) =>
            Results.Json(turn.For(context.Requester()))).RequireAccessToken(allowGuests: true).ExistedInR0();
    }
}
