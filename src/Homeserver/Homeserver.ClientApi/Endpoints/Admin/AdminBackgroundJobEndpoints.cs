using Homeserver.Services.Admin;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Admin;

/// <summary>Synapse's background updates admin API, answered with our background work
/// (<see cref="AdminBackgroundJobs"/>).</summary>
public static class AdminBackgroundJobEndpoints
{
    public static void Map(RouteGroupBuilder admin) =>
        // GET /_synapse/admin/v1/background_updates/status
        admin.MapGet("/v1/background_updates/status", async (AdminBackgroundJobs jobs,
            CancellationToken cancellationToken) => Results.Json(await jobs.StatusAsync(cancellationToken)));
}
