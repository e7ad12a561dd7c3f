using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.ClientApi.Http;
using Homeserver.Core.Errors;
using Homeserver.Http;
using Homeserver.Services.Accounts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Accounts;

public static class DeviceEndpoints
{
    public static void MapDevices(this IEndpointRouteBuilder app)
    {
        // GET /_matrix/client/v3/devices
        app.MapGet("/_matrix/client/v3/devices", async (HttpContext context, DeviceService devices,
            CancellationToken cancellationToken) =>
        {
            var list = await devices.GetDevicesAsync(context.Requester(), cancellationToken);
            return Results.Json(new JsonObject
            {
                ["devices"] = new JsonArray(list.Select(d => (JsonNode?)ToJson(d)).ToArray()),
            });
        }).RequireAccessToken(allowGuests: true).ExistedInR0();

        // GET /_matrix/client/v3/devices/{deviceId}
        app.MapGet("/_matrix/client/v3/devices/{deviceId}", async (HttpContext context, string deviceId,
            DeviceService devices, CancellationToken cancellationToken) =>
            Results.Json(ToJson(await devices.GetDeviceAsync(context.Requester(), deviceId, cancellationToken))))
            .RequireAccessToken(allowGuests: true).ExistedInR0();

        // PUT /_matrix/client/v3/devices/{deviceId}
        app.MapPut("/_matrix/client/v3/devices/{deviceId}", async (HttpContext context, string deviceId,
            DeviceService devices, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            var setName = body.TryGetProperty("display_name", out var name);
            if (setName && name.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
            {
                throw new MatrixException(ErrorCode.BadJson, "'display_name' must be a string");
            }

            var created = await devices.UpdateAsync(context.Requester(), deviceId, setName,
                setName ? name.GetString() : null, cancellationToken);
            return Results.Json(new JsonObject(), statusCode: created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
        }).RequireAccessToken(allowGuests: true).ExistedInR0();

        // DELETE /_matrix/client/v3/devices/{deviceId}
        app.MapDelete("/_matrix/client/v3/devices/{deviceId}", async (HttpContext context, string deviceId,
            AccountManagementService management, CancellationToken cancellationToken) =>
        {
            var body = await ReadOptionalBodyAsync(context, cancellationToken);
            var requester = context.Requester();
            await management.DeleteDevicesAsync(requester, [deviceId], context.ForUia(body, requester),
                cancellationToken);
            return Results.Json(new JsonObject());
        }).RequireAccessToken().ExistedInR0();

        // POST /_matrix/client/v3/delete_devices
        app.MapPost("/_matrix/client/v3/delete_devices", async (HttpContext context,
            AccountManagementService management, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            if (!body.TryGetProperty("devices", out var list))
            {
                throw new MatrixException(ErrorCode.MissingParam, "'devices' is required");
            }

            if (list.ValueKind != JsonValueKind.Array || list.EnumerateArray().Any(d => d.ValueKind != JsonValueKind.String))
            {
                throw new MatrixException(ErrorCode.BadJson, "'devices' must be an array of device IDs");
            }

            var requester = context.Requester();
            await management.DeleteDevicesAsync(requester, list.EnumerateArray().Select(d => d.GetString()!).ToList(),
                context.ForUia(body, requester), cancellationToken);
            return Results.Json(new JsonObject());
        }).RequireAccessToken().ExistedInR0();
    }

    private static JsonObject ToJson(Device device)
    {
        var json = new JsonObject { ["device_id"] = device.DeviceId };
        if (device.DisplayName is not null)
        {
            json["display_name"] = device.DisplayName;
        }

        if (device.LastSeenIp is not null)
        {
            json["last_seen_ip"] = device.LastSeenIp;
        }

        if (device.LastSeenTs is not null)
        {
            json["last_seen_ts"] = device.LastSeenTs;
        }

        return json;
    }

    // A first DELETE (asking for the auth flows) often comes without a body; that is an empty object.
    private static async Task<JsonElement> ReadOptionalBodyAsync(HttpContext context, CancellationToken cancellationToken) =>
        context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == false
            ? RegistrationEndpoints.EmptyObject
            : await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
}
