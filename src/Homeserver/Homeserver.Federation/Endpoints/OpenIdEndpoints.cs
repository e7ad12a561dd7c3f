using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Federation.Http;
using Homeserver.Services.Social;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.Federation.Endpoints;

/// <summary>OpenID: a third party (not a server) learns whom a token issued by the client API belongs to.</summary>
public static class OpenIdEndpoints
{
    public static void MapFederationOpenId(this IEndpointRouteBuilder app)
    {
        // GET /_matrix/federation/v1/openid/userinfo (no X-Matrix: the token is the credential)
        app.MapGet("/_matrix/federation/v1/openid/userinfo", async (HttpContext context, OpenIdTokenService tokens,
            CancellationToken cancellationToken) =>
        {
            var token = context.Request.Query["access_token"].FirstOrDefault();
            if (string.IsNullOrEmpty(token))
            {
                throw new MatrixException(ErrorCode.MissingParam, "The access_token parameter is required");
            }

            var user = await tokens.ResolveAsync(token, cancellationToken)
                       ?? throw new MatrixException(ErrorCode.UnknownToken, "The token is unknown or has expired");
            return Results.Json(new JsonObject { ["sub"] = user });
        }).AllowUnauthenticated();
    }
}
