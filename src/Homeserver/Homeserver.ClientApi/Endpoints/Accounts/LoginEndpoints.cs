using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.ClientApi.Http;
using Homeserver.Core.Errors;
using Homeserver.Http;
using Homeserver.Services.Accounts;
using Homeserver.Services.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Accounts;

public static class LoginEndpoints
{
    public static void MapLogin(this IEndpointRouteBuilder app)
    {
        // GET /_matrix/client/v3/login
        app.MapGet("/_matrix/client/v3/login", (LoginService logins) => Results.Json(new JsonObject
        {
            ["flows"] = new JsonArray([
                new JsonObject { ["type"] = LoginService.PasswordType },
                new JsonObject { ["type"] = LoginService.TokenType, ["get_login_token"] = true },
                new JsonObject { ["type"] = LoginService.AppServiceType },
                .. logins.ExtraFlows]),
        })).ExistedInR0();

        // POST /_matrix/client/v3/login
        app.MapPost("/_matrix/client/v3/login", async (HttpContext context, LoginService logins,
            HomeserverSettings settings, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            var result = body.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String &&
                         type.GetString() == LoginService.AppServiceType
                ? await logins.LoginAsAppServiceAsync(await AccessTokenMiddleware.RequireAppServiceAsync(context), body,
                    context.ClientAddress(), cancellationToken)
                : await logins.LoginAsync(body, context.ClientAddress(), cancellationToken);
            var response = new JsonObject
            {
                ["user_id"] = result.UserId.Value,
                ["access_token"] = result.AccessToken,
                ["device_id"] = result.DeviceId,
                ["home_server"] = settings.ServerName.Value,
            };
            if (result.RefreshToken is not null)
            {
                response["refresh_token"] = result.RefreshToken;
                response["expires_in_ms"] = result.ExpiresInMs;
            }

            return Results.Json(response);
        }).ExistedInR0();

        // POST /_matrix/client/v3/refresh
        app.MapPost("/_matrix/client/v3/refresh", async (HttpContext context, LoginService logins,
            CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            var token = body.TryGetProperty("refresh_token", out var t) && t.ValueKind == JsonValueKind.String
                ? t.GetString()!
                : throw new MatrixException(ErrorCode.MissingParam, "'refresh_token' is required");
            var refreshed = await logins.RefreshAsync(token, cancellationToken);
            return Results.Json(new JsonObject
            {
                ["access_token"] = refreshed.AccessToken,
                ["refresh_token"] = refreshed.RefreshToken,
                ["expires_in_ms"] = refreshed.ExpiresInMs,
            });
        });

        // POST /_matrix/client/v3/logout
        app.MapPost("/_matrix/client/v3/logout", async (HttpContext context, LoginService logins,
            CancellationToken cancellationToken) =>
        {
            await logins.LogoutAsync(context.Requester(), cancellationToken);
            return Results.Json(new JsonObject());
        }).RequireAccessToken(allowGuests: true).ExistedInR0().AllowedWhileLocked();

        // POST /_matrix/client/v3/logout/all
        app.MapPost("/_matrix/client/v3/logout/all", async (HttpContext context, LoginService logins,
            CancellationToken cancellationToken) =>
        {
            await logins.LogoutAllAsync(context.Requester(), cancellationToken);
            return Results.Json(new JsonObject());
        }).RequireAccessToken(allowGuests: true).ExistedInR0().AllowedWhileLocked();

        // POST /_matrix/client/v1/login/get_token
        app.MapPost("/_matrix/client/v1/login/get_token", async (HttpContext context, LoginService logins,
            AccountManagementService management, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            var requester = context.Requester();
            var (token, expiresInMs) = await management.AuthorizeLoginTokenAsync(requester, logins,
                context.ForUia(body, requester), cancellationToken);
            return Results.Json(new JsonObject { ["login_token"] = token, ["expires_in_ms"] = expiresInMs });
        }).RequireAccessToken();
    }
}
