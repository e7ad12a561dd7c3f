using System.Text.Json.Nodes;
using Homeserver.ClientApi.Http;
using Homeserver.Http;
using Homeserver.Services.Accounts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Accounts;

public static class AccountDataEndpoints
{
    public static void MapAccountData(this IEndpointRouteBuilder app)
    {
        // GET /_matrix/client/v3/user/{userId}/account_data/{type}
        app.MapGet("/_matrix/client/v3/user/{userId}/account_data/{type}", async (HttpContext context,
            string userId, string type, AccountDataService accountData, CancellationToken cancellationToken) =>
            AsJson(await accountData.GetAsync(context.Requester(), userId, null, type, cancellationToken)))
            .RequireAccessToken().ExistedInR0();

        // PUT /_matrix/client/v3/user/{userId}/account_data/{type}
        app.MapPut("/_matrix/client/v3/user/{userId}/account_data/{type}", async (HttpContext context,
            string userId, string type, AccountDataService accountData, CancellationToken cancellationToken) =>
        {
            var content = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            await accountData.SetAsync(context.Requester(), userId, null, type, content, cancellationToken);
            return Results.Json(new JsonObject());
        }).RequireAccessToken().ExistedInR0();

        // GET /_matrix/client/v3/user/{userId}/rooms/{roomId}/account_data/{type}
        app.MapGet("/_matrix/client/v3/user/{userId}/rooms/{roomId}/account_data/{type}", async (
            HttpContext context, string userId, string roomId, string type, AccountDataService accountData,
            CancellationToken cancellationToken) =>
            AsJson(await accountData.GetAsync(context.Requester(), userId, roomId, type, cancellationToken)))
            .RequireAccessToken().ExistedInR0();

        // PUT /_matrix/client/v3/user/{userId}/rooms/{roomId}/account_data/{type}
        app.MapPut("/_matrix/client/v3/user/{userId}/rooms/{roomId}/account_data/{type}", async (
            HttpContext context, string userId, string roomId, string type, AccountDataService accountData,
            CancellationToken cancellationToken) =>
        {
            var content = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            await accountData.SetAsync(context.Requester(), userId, roomId, type, content, cancellationToken);
            return Results.Json(new JsonObject());
        }).RequireAccessToken().ExistedInR0();
    }

    // The content is returned exactly as the client stored it.
    private static IResult AsJson(string content) => Results.Text(content, "application/json");
}
