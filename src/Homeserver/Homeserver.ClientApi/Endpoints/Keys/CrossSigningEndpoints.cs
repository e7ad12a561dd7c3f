using System.Text.Json.Nodes;
using Homeserver.ClientApi.Endpoints.OAuth;
using Homeserver.ClientApi.Http;
using Homeserver.Http;
using Homeserver.Services.Accounts;
using Homeserver.Services.Configuration;
using Homeserver.Services.Keys;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Keys;

public static class CrossSigningEndpoints
{
    public static void MapCrossSigning(this IEndpointRouteBuilder app)
    {
        // POST /_matrix/client/v3/keys/device_signing/upload
        app.MapPost("/_matrix/client/v3/keys/device_signing/upload", async (HttpContext context,
            CrossSigningService crossSigning, HomeserverSettings settings, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            var requester = context.Requester();
            try
            {
                await crossSigning.UploadAsync(requester, body, context.ForUia(body, requester), cancellationToken);
            }
            catch (UiaChallengeException challenge) when (OAuthUia.Offers(challenge))
            {
                OAuthUia.AddParams(challenge, WellKnownEndpoints.BoundUrl(app, settings.WellKnown.ClientBaseUrl),
                    Homeserver.Services.OAuth.AccountManagementPages.CrossSigningReset);
                throw;
            }

            return Results.Json(new JsonObject());
        }).RequireAccessToken();

        // POST /_matrix/client/v3/keys/signatures/upload
        app.MapPost("/_matrix/client/v3/keys/signatures/upload", async (HttpContext context,
            SignatureUploadService signatures, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            return Results.Json(await signatures.UploadAsync(context.Requester(), body, cancellationToken));
        }).RequireAccessToken();
    }
}
