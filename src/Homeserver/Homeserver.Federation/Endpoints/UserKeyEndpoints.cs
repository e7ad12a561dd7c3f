using Homeserver.Federation.Http;
using Homeserver.Http;
using Homeserver.Services.Federation.Queries;
using Homeserver.Services.Keys;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.Federation.Endpoints;

/// <summary>This server's users' devices and end-to-end keys for other servers.</summary>
public static class UserKeyEndpoints
{
    public static void MapFederationUserKeys(this IEndpointRouteBuilder app)
    {
        // GET /_matrix/federation/v1/user/devices/{userId}
        app.MapGet("/_matrix/federation/v1/user/devices/{userId}", async (HttpContext context, string userId,
            FederationDeviceQuery devices, CancellationToken cancellationToken) =>
        {
            _ = context.Origin();
            return Results.Json(await devices.GetAsync(userId, cancellationToken));
        });

        // POST /_matrix/federation/v1/user/keys/query
        app.MapPost("/_matrix/federation/v1/user/keys/query", async (HttpContext context, KeyService keys,
            CancellationToken cancellationToken) =>
        {
            _ = context.Origin();
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            return Results.Json(await keys.QueryForServerAsync(body, cancellationToken));
        });

        // POST /_matrix/federation/v1/user/keys/claim
        app.MapPost("/_matrix/federation/v1/user/keys/claim", async (HttpContext context, KeyService keys,
            CancellationToken cancellationToken) =>
        {
            _ = context.Origin();
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            return Results.Json(await keys.ClaimForServerAsync(body, cancellationToken));
        });
    }
}
