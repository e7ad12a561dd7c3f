using Homeserver.Services.Admin.Export;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Admin;

/// <summary>Our extension of Synapse's admin API: one user's data as a JSON document (Synapse has only the
/// <c>export-data</c> command for this), streamed as it is read.</summary>
public static class AdminUserExportEndpoints
{
    public static void Map(RouteGroupBuilder admin)
    {
        // GET /_synapse/admin/v1/users/{userId}/export_data
        admin.MapGet("/v1/users/{userId}/export_data", async (string userId, UserDataExport export,
            CancellationToken cancellationToken) =>
        {
            // Checked before the first byte, so that an unknown or remote user gets its status and errcode.
            var target = await export.RequireLocalUserAsync(userId, cancellationToken);
            return Results.Stream(stream => export.WriteAsync(target, stream, cancellationToken), "application/json");
        });
    }
}
