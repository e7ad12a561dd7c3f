using System.Text.Json.Nodes;
using Homeserver.Services.Admin;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Admin;

/// <summary>Synapse's federation admin API (<c>docs/usage/administration/admin_api/federation.md</c>) over
/// <see cref="AdminDestinationService"/>.</summary>
public static class AdminDestinationEndpoints
{
    private const string Destinations = "/v1/federation/destinations";

    public static void Map(RouteGroupBuilder admin)
    {
        // GET /_synapse/admin/v1/federation/destinations
        admin.MapGet(Destinations, async (HttpRequest request, AdminDestinationService destinations,
            CancellationToken cancellationToken) =>
        {
            var page = AdminQuery.Page(request);
            var orderBy = AdminQuery.OneOf(request, "order_by", "destination", AdminDestinationService.Orders);
            return Results.Json(await destinations.ListAsync(AdminQuery.Text(request, "destination"), orderBy,
                AdminQuery.Backwards(request), page, cancellationToken));
        });

        // GET /_synapse/admin/v1/federation/destinations/{destination}
        admin.MapGet(Destinations + "/{destination}", async (string destination,
            AdminDestinationService destinations, CancellationToken cancellationToken) =>
            Results.Json(await destinations.GetAsync(destination, cancellationToken)));

        // GET /_synapse/admin/v1/federation/destinations/{destination}/rooms
        admin.MapGet(Destinations + "/{destination}/rooms", async (HttpRequest request, string destination,
            AdminDestinationService destinations, CancellationToken cancellationToken) =>
            Results.Json(await destinations.RoomsAsync(destination, AdminQuery.Page(request),
                AdminQuery.Backwards(request), cancellationToken)));

        // POST /_synapse/admin/v1/federation/destinations/{destination}/reset_connection
        admin.MapPost(Destinations + "/{destination}/reset_connection", async (string destination,
            AdminDestinationService destinations, CancellationToken cancellationToken) =>
        {
            await destinations.ResetConnectionAsync(destination, cancellationToken);
            return Results.Json(new JsonObject());
        });
    }
}
