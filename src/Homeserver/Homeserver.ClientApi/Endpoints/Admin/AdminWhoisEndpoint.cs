using Homeserver.ClientApi.Http;
using Homeserver.Services.Accounts.Admin;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.Admin;

public static class AdminWhoisEndpoint
{
    // GET /_synapse/admin/v1/whois/{userId}: the client API's whois under Synapse's admin prefix.
    public static void Map(RouteGroupBuilder admin) =>
        admin.MapGet("/v1/whois/{userId}", async (HttpContext context, string userId, UserWhois whois,
            CancellationToken cancellationToken) =>
            Results.Json(await whois.GetAsync(context.Requester(), userId, cancellationToken)));
}
