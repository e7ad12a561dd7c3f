using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.ClientApi.Http;
using Homeserver.Core.Errors;
using Homeserver.Http;
using Homeserver.Services.Accounts.Admin;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Admin;

public static class AdminEndpoints
{
    public static void MapAdmin(this IEndpointRouteBuilder app)
    {
        // GET /_matrix/client/v3/admin/whois/{userId}: server admins, or the user itself
        app.MapGet("/_matrix/client/v3/admin/whois/{userId}", async (HttpContext context, string userId,
            UserWhois whois, CancellationToken cancellationToken) =>
            Results.Json(await whois.GetAsync(context.Requester(), userId, cancellationToken)))
            .RequireAccessToken().ExistedInR0();

        // GET /_matrix/client/v1/admin/lock/{userId}
        app.MapGet("/_matrix/client/v1/admin/lock/{userId}", async (HttpContext context, string userId,
            UserModerationService moderation, CancellationToken cancellationToken) =>
            Results.Json(new JsonObject
            {
                ["locked"] = await moderation.IsLockedAsync(context.Requester(), userId, cancellationToken),
            })).RequireAccessToken();

        // PUT /_matrix/client/v1/admin/lock/{userId}
        app.MapPut("/_matrix/client/v1/admin/lock/{userId}", async (HttpContext context, string userId,
            UserModerationService moderation, CancellationToken cancellationToken) =>
        {
            var locked = await ReadFlagAsync(context, "locked", cancellationToken);
            await moderation.SetLockedAsync(context.Requester(), userId, locked, cancellationToken);
            return Results.Json(new JsonObject { ["locked"] = locked });
        }).RequireAccessToken();

        // GET /_matrix/client/v1/admin/suspend/{userId}
        app.MapGet("/_matrix/client/v1/admin/suspend/{userId}", async (HttpContext context, string userId,
            UserModerationService moderation, CancellationToken cancellationToken) =>
            Results.Json(new JsonObject
            {
                ["suspended"] = await moderation.IsSuspendedAsync(context.Requester(), userId, cancellationToken),
            })).RequireAccessToken();

        // PUT /_matrix/client/v1/admin/suspend/{userId}
        app.MapPut("/_matrix/client/v1/admin/suspend/{userId}", async (HttpContext context, string userId,
            UserModerationService moderation, CancellationToken cancellationToken) =>
        {
            var suspended = await ReadFlagAsync(context, "suspended", cancellationToken);
            await moderation.SetSuspendedAsync(context.Requester(), userId, suspended, cancellationToken);
            return Results.Json(new JsonObject { ["suspended"] = suspended });
        }).RequireAccessToken();
    }

    private static async Task<bool> ReadFlagAsync(HttpContext context, string name, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
        return body.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : throw new MatrixException(ErrorCode.BadJson, $"'{name}' must be true or false");
    }
}
