using Homeserver.ClientApi.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Admin;

/// <summary>
/// Synapse's admin API (<c>/_synapse/admin/v1|v2/...</c>), which admin tools (synadm, synapse-admin, provisioning
/// scripts) speak. Two groups: <see cref="AdminOnly"/> (access token of a server admin, audited by
/// <see cref="AdminAccessFilter"/>) for nearly everything, and the few routes Synapse serves without a token (server
/// version, shared-secret registration). Areas add their routes to the groups here.
/// </summary>
public static class SynapseAdminApi
{
    public const string Prefix = "/_synapse/admin";

    public static void MapSynapseAdmin(this IEndpointRouteBuilder app)
    {
        var open = app.MapGroup(Prefix);
        var admin = AdminOnly(app);
        ServerVersionEndpoint.Map(open);
        AdminWhoisEndpoint.Map(admin);
        SharedSecretRegistrationEndpoint.Map(open);
        AdminUserEndpoints.Map(admin);
        AdminDeviceEndpoints.Map(admin);
        AdminRegistrationTokenEndpoints.Map(admin);
        AdminEventReportEndpoints.Map(admin);
        AdminServerNoticeEndpoints.Map(admin);
        AdminRoomEndpoints.Map(admin);
        AdminRoomJobEndpoints.Map(admin);
        AdminMediaEndpoints.Map(admin);
        AdminDestinationEndpoints.Map(admin);
        AdminBackgroundJobEndpoints.Map(admin);
        AdminRateLimitEndpoints.Map(admin);
        AdminUserExportEndpoints.Map(admin);
    }

    /// <summary>A group under <see cref="Prefix"/> whose endpoints need a server admin's access token (guests and
    /// other users get 403 <c>M_FORBIDDEN</c>, not a guest error: Synapse does the same) and are audited.</summary>
    public static RouteGroupBuilder AdminOnly(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Prefix);
        group.RequireAccessToken(allowGuests: true);
        group.AddEndpointFilter<AdminAccessFilter>();
        return group;
    }
}
