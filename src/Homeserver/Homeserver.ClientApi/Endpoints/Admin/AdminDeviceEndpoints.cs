using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Http;
using Homeserver.Services.Admin;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Admin;

/// <summary>A user's devices through Synapse's admin API (admin-only group).</summary>
public static class AdminDeviceEndpoints
{
    public static void Map(RouteGroupBuilder admin)
    {
        // GET /_synapse/admin/v2/users/{userId}/devices
        admin.MapGet("/v2/users/{userId}/devices", async (string userId, AdminDeviceService devices,
            CancellationToken cancellationToken) => Results.Json(await devices.ListAsync(userId, cancellationToken)));

        // GET /_synapse/admin/v2/users/{userId}/devices/{deviceId}
        admin.MapGet("/v2/users/{userId}/devices/{deviceId}", async (string userId, string deviceId,
            AdminDeviceService devices, CancellationToken cancellationToken) =>
            Results.Json(await devices.GetAsync(userId, deviceId, cancellationToken)));

        // PUT /_synapse/admin/v2/users/{userId}/devices/{deviceId}
        admin.MapPut("/v2/users/{userId}/devices/{deviceId}", async (HttpContext context, string userId,
            string deviceId, AdminDeviceService devices, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            string? name = null;
            if (body.TryGetProperty("display_name", out var value))
            {
                name = value.ValueKind switch
                {
                    JsonValueKind.String => value.GetString(),
                    JsonValueKind.Null => null,
                    _ => throw new MatrixException(ErrorCode.BadJson, "'display_name' must be a string"),
                };
            }

            await devices.RenameAsync(userId, deviceId, name, cancellationToken);
            return Results.Json(new JsonObject());
        });

        // DELETE /_synapse/admin/v2/users/{userId}/devices/{deviceId}
        admin.MapDelete("/v2/users/{userId}/devices/{deviceId}", async (string userId, string deviceId,
            AdminDeviceService devices, CancellationToken cancellationToken) =>
        {
            await devices.DeleteAsync(userId, [deviceId], cancellationToken);
            return Results.Json(new JsonObject());
        });

        // POST /_synapse/admin/v2/users/{userId}/delete_devices
        admin.MapPost("/v2/users/{userId}/delete_devices", async (HttpContext context, string userId,
            AdminDeviceService devices, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            if (!body.TryGetProperty("devices", out var list) || list.ValueKind != JsonValueKind.Array ||
                list.EnumerateArray().Any(d => d.ValueKind != JsonValueKind.String))
            {
                throw new MatrixException(ErrorCode.BadJson, "'devices' must be a list of device IDs");
            }

            await devices.DeleteAsync(userId, list.EnumerateArray().Select(d => d.GetString()!).ToList(),
                cancellationToken);
            return Results.Json(new JsonObject());
        });
    }
}
