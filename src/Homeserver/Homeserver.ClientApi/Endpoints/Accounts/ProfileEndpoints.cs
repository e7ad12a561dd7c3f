using System.Text.Json.Nodes;
using Homeserver.ClientApi.Http;
using Homeserver.Http;
using Homeserver.Services.Accounts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Accounts;

public static class ProfileEndpoints
{
    public static void MapProfile(this IEndpointRouteBuilder app)
    {
        // GET /_matrix/client/v3/profile/{userId} (no access token needed, as the spec has it)
        app.MapGet("/_matrix/client/v3/profile/{userId}", async (HttpContext context, string userId,
            ProfileService profiles, CancellationToken cancellationToken) =>
            Results.Json(await profiles.GetProfileAsync(context.TryGetRequester(), userId, cancellationToken)))
            .AllowAccessToken().ExistedInR0();

        // GET /_matrix/client/v3/profile/{userId}/{keyName}
        app.MapGet("/_matrix/client/v3/profile/{userId}/{keyName}", async (HttpContext context, string userId,
            string keyName, ProfileService profiles, CancellationToken cancellationToken) =>
            Results.Json(await profiles.GetFieldAsync(context.TryGetRequester(), userId, keyName, cancellationToken)))
            .AllowAccessToken().ExistedInR0();

        // PUT /_matrix/client/v3/profile/{userId}/{keyName}
        app.MapPut("/_matrix/client/v3/profile/{userId}/{keyName}", async (HttpContext context, string userId,
            string keyName, ProfileService profiles, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            await profiles.SetFieldAsync(context.Requester(), userId, keyName, body, cancellationToken);
            return Results.Json(new JsonObject());
        }).RequireAccessToken(allowGuests: true).ExistedInR0().DeniedWhileSuspended();

        // DELETE /_matrix/client/v3/profile/{userId}/{keyName}
        app.MapDelete("/_matrix/client/v3/profile/{userId}/{keyName}", async (HttpContext context, string userId,
            string keyName, ProfileService profiles, CancellationToken cancellationToken) =>
        {
            await profiles.DeleteFieldAsync(context.Requester(), userId, keyName, cancellationToken);
            return Results.Json(new JsonObject());
        }).RequireAccessToken().DeniedWhileSuspended();
    }
}
