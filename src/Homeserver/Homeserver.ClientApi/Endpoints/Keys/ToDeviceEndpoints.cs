using System.Text.Json.Nodes;
using Homeserver.ClientApi.Http;
using Homeserver.Http;
using Homeserver.Services.Keys;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Keys;

public static class ToDeviceEndpoints
{
    public static void MapToDevice(this IEndpointRouteBuilder app)
    {
        // PUT /_matrix/client/v3/sendToDevice/{eventType}/{txnId}
        app.MapPut("/_matrix/client/v3/sendToDevice/{eventType}/{txnId}", async (HttpContext context, string eventType,
            string txnId, ToDeviceService toDevice, CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            await toDevice.SendAsync(context.Requester(), eventType, txnId, body, cancellationToken);
            return Results.Json(new JsonObject());
        }).RequireAccessToken(allowGuests: true).ExistedInR0();
    }
}
