using System.Text.Json.Nodes;
using Homeserver.Services.Admin;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Admin;

/// <summary>Synapse's event-report admin API (<see cref="EventReportAdmin"/>); deleting a report resolves it.</summary>
public static class AdminEventReportEndpoints
{
    public static void Map(RouteGroupBuilder admin)
    {
        // GET /_synapse/admin/v1/event_reports?from&limit&dir&user_id&room_id&event_sender_user_id (newest first)
        admin.MapGet("/v1/event_reports", async (HttpRequest request, EventReportAdmin reports,
            CancellationToken cancellationToken) =>
        {
            var query = new EventReportQuery(AdminQuery.Page(request),
                AdminQuery.OneOf(request, "dir", "b", ["b", "f"]) == "b", AdminQuery.Text(request, "user_id"),
                AdminQuery.Text(request, "room_id"), AdminQuery.Text(request, "event_sender_user_id"));
            return Results.Json(await reports.ListAsync(query, cancellationToken));
        });

        // GET /_synapse/admin/v1/event_reports/{reportId}
        admin.MapGet("/v1/event_reports/{reportId}", async (string reportId, EventReportAdmin reports,
            CancellationToken cancellationToken) => Results.Json(await reports.GetAsync(reportId, cancellationToken)));

        // DELETE /_synapse/admin/v1/event_reports/{reportId}
        admin.MapDelete("/v1/event_reports/{reportId}", async (string reportId, EventReportAdmin reports,
            CancellationToken cancellationToken) =>
        {
            await reports.DeleteAsync(reportId, cancellationToken);
            return Results.Json(new JsonObject());
        });
    }
}
