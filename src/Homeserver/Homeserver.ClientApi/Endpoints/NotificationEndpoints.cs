using Homeserver.ClientApi.Endpoints.Rooms;
using Homeserver.ClientApi.Http;
using Homeserver.Services.Push;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints;

/// <summary>The notifications the user's push rules produced.</summary>
public static class NotificationEndpoints
{
    public static void MapNotifications(this IEndpointRouteBuilder app)
    {
        // GET /_matrix/client/v3/notifications
        app.MapGet("/_matrix/client/v3/notifications", async (HttpContext context, NotificationsService notifications,
            CancellationToken cancellationToken) =>
            Results.Json(await notifications.GetAsync(context.Requester(), context.Query("from"),
                context.QueryInteger("limit"), context.Query("only"), cancellationToken)))
            .RequireAccessToken().ExistedInR0();
    }
}
