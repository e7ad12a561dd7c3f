using Homeserver.ClientApi.Http;
using Homeserver.Http;
using Homeserver.Services.Social;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Social;

public static class OpenIdEndpoints
{
    public static void MapOpenId(this IEndpointRouteBuilder app)
    {
        // POST /_matrix/client/v3/user/{userId}/openid/request_token
        app.MapPost("/_matrix/client/v3/user/{userId}/openid/request_token", async (HttpContext context,
            string userId, OpenIdTokenService openId, CancellationToken cancellationToken) =>
        {
            await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            return Results.Json(await openId.RequestTokenAsync(context.Requester(), userId, cancellationToken));
        }).RequireAccessToken().ExistedInR0();
    }
}
