using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Http;
using Homeserver.Services.Admin;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Admin;

/// <summary>Synapse's per-user override of the message rate limit (user_admin_api.md, "Override ratelimiting for
/// users"), under the admin-only group.</summary>
public static class AdminRateLimitEndpoints
{
    private const string Route = "/v1/users/{userId}/override_ratelimit";

    public static void Map(RouteGroupBuilder admin)
    {
        // GET /_synapse/admin/v1/users/{userId}/override_ratelimit: {} when the user has no override
        admin.MapGet(Route, async (string userId, AdminRateLimitService limits, CancellationToken cancellationToken) =>
            Results.Json(Json(await limits.GetAsync(userId, cancellationToken))));

        // POST /_synapse/admin/v1/users/{userId}/override_ratelimit
        admin.MapPost(Route, async (HttpContext context, string userId, AdminRateLimitService limits,
            CancellationToken cancellationToken) =>
        {
            var body = await ReadOptionalObjectAsync(context, cancellationToken);
            return Results.Json(Json(await limits.SetAsync(userId, body, cancellationToken)));
        });

        // DELETE /_synapse/admin/v1/users/{userId}/override_ratelimit
        admin.MapDelete(Route, async (string userId, AdminRateLimitService limits, CancellationToken cancellationToken) =>
        {
            await limits.DeleteAsync(userId, cancellationToken);
            return Results.Json(new JsonObject());
        });
    }

    private static JsonObject Json(RateLimitOverride? value) => value is null
        ? []
        : new JsonObject { ["messages_per_second"] = value.MessagesPerSecond, ["burst_count"] = value.BurstCount };

    // Synapse takes an empty body as {}.
    private static async Task<JsonElement> ReadOptionalObjectAsync(HttpContext context,
        CancellationToken cancellationToken) =>
        context.Request.ContentLength is 0 ||
        (context.Request.ContentLength is null && !context.Request.Headers.ContainsKey("Transfer-Encoding"))
            ? JsonSerializer.SerializeToElement(new JsonObject())
            : await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
}
