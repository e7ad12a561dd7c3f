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

public static class RegistrationEndpoints
{
    public static void MapRegistration(this IEndpointRouteBuilder app)
    {
        // POST /_matrix/client/v3/register
        app.MapPost("/_matrix/client/v3/register", async (HttpContext context, RegistrationService registration,
            RateLimiterSet limits, HomeserverSettings settings, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            var kind = context.Request.Query["kind"].ToString();
            RegistrationService.Registered result;
            if (kind is "" or "user" && IsAppServiceRegistration(body))
            {
                // Not rate-limited: a bridge registers its ghosts as fast as their users appear.
                var appService = await AccessTokenMiddleware.RequireAppServiceAsync(context);
                result = await registration.RegisterAppServiceUserAsync(appService.AppService!,
                    RegistrationService.ParseRequest(body), cancellationToken);
            }
            else if (kind == "guest")
            {
                limits.RegistrationByAddress.Acquire(context.ClientAddress());
                var request = RegistrationService.ParseRequest(body);
                result = await registration.RegisterGuestAsync(request.InitialDeviceDisplayName, request.RefreshToken,
                    cancellationToken);
            }
            else if (kind is "" or "user")
            {
                limits.RegistrationByAddress.Acquire(context.ClientAddress());
                result = await registration.RegisterUserAsync(RegistrationService.ParseRequest(body),
                    context.ForUia(body, null), cancellationToken);
            }
            else
            {
                throw new MatrixException(ErrorCode.InvalidParam, $"Unknown kind '{kind}'");
            }

            var response = new JsonObject
            {
                ["user_id"] = result.UserId.Value,
                ["home_server"] = settings.ServerName.Value,
            };
            if (result.AccessToken is not null)
            {
                response["access_token"] = result.AccessToken;
                response["device_id"] = result.DeviceId;
            }

            if (result.RefreshToken is not null)
            {
                response["refresh_token"] = result.RefreshToken;
                response["expires_in_ms"] = result.ExpiresInMs;
            }

            return Results.Json(response);
        }).ExistedInR0();

        // GET /_matrix/client/v3/register/available
        app.MapGet("/_matrix/client/v3/register/available", async (HttpContext context, string? username,
            RegistrationService registration, RateLimiterSet limits, CancellationToken cancellationToken) =>
        {
            limits.RegistrationByAddress.Acquire(context.ClientAddress());
            if (string.IsNullOrEmpty(username))
            {
                throw new MatrixException(ErrorCode.MissingParam, "'username' is required");
            }

            await registration.CheckAvailableAsync(username.ToLowerInvariant(), cancellationToken);
            return Results.Json(new JsonObject { ["available"] = true });
        }).ExistedInR0();

        // GET /_matrix/client/v1/register/m.login.registration_token/validity
        app.MapGet("/_matrix/client/v1/register/m.login.registration_token/validity", async (HttpContext context,
            string? token, HomeserverSettings settings, IRegistrationTokenStore tokens, RateLimiterSet limits,
            TimeProvider time, CancellationToken cancellationToken) =>
        {
            if (!settings.Registration.Enabled || !settings.Registration.RequireToken)
            {
                throw new MatrixException(ErrorCode.Forbidden, "Registration by token is not enabled");
            }

            limits.RegistrationByAddress.Acquire(context.ClientAddress());
            if (string.IsNullOrEmpty(token))
            {
                throw new MatrixException(ErrorCode.MissingParam, "'token' is required");
            }

            var stored = await tokens.GetAsync(token, cancellationToken);
            var valid = stored is not null && stored.IsValidAt(time.GetUtcNow().ToUnixTimeMilliseconds());
            return Results.Json(new JsonObject { ["valid"] = valid });
        });
    }

    internal static JsonElement EmptyObject { get; } = JsonDocument.Parse("{}").RootElement;

    private static bool IsAppServiceRegistration(JsonElement body) =>
        body.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String &&
        type.GetString() == RegistrationService.AppServiceType;
}
