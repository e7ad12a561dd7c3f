using System.Text.Json.Nodes;
using FluentValidation;
using Homeserver.ClientApi.Http;
using Homeserver.Http;
using Homeserver.Services.Push;
using Homeserver.Services.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints;

/// <summary>Pushers (Client-Server API "Push notifications": pushers).</summary>
public static class PusherEndpoints
{
    public static void MapPushers(this IEndpointRouteBuilder app)
    {
        // GET /_matrix/client/v3/pushers
        app.MapGet("/_matrix/client/v3/pushers", async (HttpContext context, PusherService pushers,
            CancellationToken cancellationToken) =>
            Results.Json(await pushers.GetAsync(context.Requester(), cancellationToken)))
            .RequireAccessToken().ExistedInR0();

        // POST /_matrix/client/v3/pushers/set
        app.MapPost("/_matrix/client/v3/pushers/set", async (HttpContext context, PusherService pushers,
            IValidator<PusherSetRequest> validator, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            var request = validator.ValidateOrThrow(PusherSettingsReader.Read(body));
            await pushers.SetAsync(context.Requester(), request, cancellationToken);
            return Results.Json(new JsonObject());
        }).RequireAccessToken().ExistedInR0();
    }
}
