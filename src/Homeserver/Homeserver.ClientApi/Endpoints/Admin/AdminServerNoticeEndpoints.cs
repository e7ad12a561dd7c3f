using System.Text.Json.Nodes;
using Homeserver.ClientApi.Http;
using Homeserver.Http;
using Homeserver.Services.Admin;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Admin;

/// <summary>Synapse's server-notice admin API (<see cref="ServerNoticeService"/>).</summary>
public static class AdminServerNoticeEndpoints
{
    public static void Map(RouteGroupBuilder admin)
    {
        // POST /_synapse/admin/v1/send_server_notice
        admin.MapPost("/v1/send_server_notice", (HttpContext context, ServerNoticeService notices,
            CancellationToken cancellationToken) => SendAsync(context, notices, null, cancellationToken));

        // PUT /_synapse/admin/v1/send_server_notice/{txnId}
        admin.MapPut("/v1/send_server_notice/{txnId}", (HttpContext context, string txnId,
            ServerNoticeService notices, CancellationToken cancellationToken) =>
            SendAsync(context, notices, txnId, cancellationToken));
    }

    private static async Task<IResult> SendAsync(HttpContext context, ServerNoticeService notices, string? txnId,
        CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
        var eventId = await notices.SendAsync(context.Requester(), body, txnId, cancellationToken);
        return Results.Json(new JsonObject { ["event_id"] = eventId });
    }
}
