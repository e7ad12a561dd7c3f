using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.ClientApi.Http;
using Homeserver.Core.Errors;
using Homeserver.Http;
using Homeserver.Services.Accounts.Admin;
using Homeserver.Services.Admin;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Admin;

/// <summary>Synapse's user admin API (docs/admin_api/user_admin_api.md), all under the admin-only group.</summary>
public static class AdminUserEndpoints
{
    public static void Map(RouteGroupBuilder admin)
    {
        // GET /_synapse/admin/v2/users
        admin.MapGet("/v2/users", async (HttpContext context, AdminUserService users, CancellationToken cancellationToken) =>
            Results.Json(await users.ListAsync(ParseListQuery(context.Request), cancellationToken)));

        // GET /_synapse/admin/v2/users/{userId}
        admin.MapGet("/v2/users/{userId}", async (string userId, AdminUserService users,
            CancellationToken cancellationToken) => Results.Json(await users.GetAsync(userId, cancellationToken)));

        // PUT /_synapse/admin/v2/users/{userId}: 201 when it made the user, 200 when it changed one
        admin.MapPut("/v2/users/{userId}", async (HttpContext context, string userId, AdminUserService users,
            CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            var (user, created) = await users.PutAsync(context.Requester(), userId, body, cancellationToken);
            return Results.Json(user, statusCode: created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
        });

        // POST /_synapse/admin/v1/deactivate/{userId}
        admin.MapPost("/v1/deactivate/{userId}", async (HttpContext context, string userId, AdminAccountActions actions,
            CancellationToken cancellationToken) =>
        {
            var body = await ReadOptionalObjectAsync(context, cancellationToken);
            var erase = Flag(body, "erase", "Param 'erase' must be a boolean, if given") ?? false;
            await actions.DeactivateAsync(userId, erase, cancellationToken);
            return Results.Json(new JsonObject { ["id_server_unbind_result"] = "success" });
        });

        // POST /_synapse/admin/v1/reset_password/{userId}
        admin.MapPost("/v1/reset_password/{userId}", async (HttpContext context, string userId,
            AdminAccountActions actions, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            if (!body.TryGetProperty("new_password", out var password))
            {
                throw new MatrixException(ErrorCode.MissingParam, "Missing params: ['new_password']");
            }

            if (password.ValueKind != JsonValueKind.String)
            {
                throw new MatrixException(ErrorCode.Unknown, "Invalid password");
            }

            var logout = Flag(body, "logout_devices", "'logout_devices' parameter is not of type boolean") ?? true;
            await actions.ResetPasswordAsync(userId, password.GetString()!, logout, cancellationToken);
            return Results.Json(new JsonObject());
        });

        // GET /_synapse/admin/v1/users/{userId}/joined_rooms
        admin.MapGet("/v1/users/{userId}/joined_rooms", async (string userId, AdminAccountActions actions,
            CancellationToken cancellationToken) => Results.Json(await actions.JoinedRoomsAsync(userId, cancellationToken)));

        // POST /_synapse/admin/v1/users/{userId}/login
        admin.MapPost("/v1/users/{userId}/login", async (HttpContext context, string userId, AdminAccountActions actions,
            CancellationToken cancellationToken) =>
        {
            var body = await ReadOptionalObjectAsync(context, cancellationToken);
            long? validUntil = null;
            if (body.TryGetProperty("valid_until_ms", out var until) && until.ValueKind != JsonValueKind.Null)
            {
                validUntil = until.ValueKind == JsonValueKind.Number && until.TryGetInt64(out var ms) && ms >= 0
                    ? ms
                    : throw new MatrixException(ErrorCode.InvalidParam, "'valid_until_ms' must be a positive integer");
            }

            var token = await actions.LoginAsAsync(context.Requester(), userId, validUntil, cancellationToken);
            return Results.Json(new JsonObject { ["access_token"] = token });
        });

        // POST and DELETE /_synapse/admin/v1/users/{userId}/shadow_ban
        admin.MapPost("/v1/users/{userId}/shadow_ban", async (string userId, AdminAccountActions actions,
            CancellationToken cancellationToken) =>
        {
            await actions.SetShadowBannedAsync(userId, true, cancellationToken);
            return Results.Json(new JsonObject());
        });
        admin.MapDelete("/v1/users/{userId}/shadow_ban", async (string userId, AdminAccountActions actions,
            CancellationToken cancellationToken) =>
        {
            await actions.SetShadowBannedAsync(userId, false, cancellationToken);
            return Results.Json(new JsonObject());
        });

        // PUT /_synapse/admin/v1/suspend/{userId}: Synapse's own form of the spec's /admin/suspend
        admin.MapPut("/v1/suspend/{userId}", async (HttpContext context, string userId, UserModerationService moderation,
            CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            var suspend = Flag(body, "suspend", "'suspend' must be a boolean")
                          ?? throw new MatrixException(ErrorCode.BadJson, "'suspend' must be a boolean");
            await moderation.SetSuspendedAsync(context.Requester(), userId, suspend, cancellationToken);
            return Results.Json(new JsonObject { [$"user_{userId}_suspended"] = suspend });
        });
    }

    private static AdminUserQuery ParseListQuery(HttpRequest request) => new(
        AdminQuery.Page(request),
        AdminQuery.Text(request, "user_id"),
        AdminQuery.Text(request, "name"),
        Guests: AdminQuery.Boolean(request, "guests") ?? true,
        Deactivated: AdminQuery.Boolean(request, "deactivated") ?? false,
        Locked: AdminQuery.Boolean(request, "locked") ?? false,
        Admins: AdminQuery.Boolean(request, "admins"),
        OrderBy: AdminQuery.OneOf(request, "order_by", "name", AdminUserList.OrderColumns),
        Backwards: AdminQuery.Backwards(request));

    private static async Task<JsonElement> ReadOptionalObjectAsync(HttpContext context, CancellationToken cancellationToken) =>
        context.Request.ContentLength is 0 || (context.Request.ContentLength is null && !context.Request.Headers.ContainsKey("Transfer-Encoding"))
            ? JsonSerializer.SerializeToElement(new JsonObject())
            : await JsonBody.ReadObjectAsync(context.Request, cancellationToken);

    private static bool? Flag(JsonElement body, string name, string message) =>
        !body.TryGetProperty(name, out var value) ? null
        : value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean()
        : throw new MatrixException(ErrorCode.BadJson, message);
}
