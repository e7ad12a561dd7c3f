using Homeserver.ClientApi.Endpoints;
using Homeserver.ClientApi.Endpoints.Accounts;
using Homeserver.ClientApi.Endpoints.Presence;
using Homeserver.ClientApi.Endpoints.Keys;
using Homeserver.ClientApi.Endpoints.Rooms;
using Homeserver.ClientApi.Endpoints.Sync;
using Homeserver.ClientApi.Http;
using Homeserver.Services.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi;

public static class ClientApiPipeline
{
    /// <summary>
    /// The HTTP pipeline every request goes through, in order: request log, CORS, error mapping, body limit, %00 in
    /// the query, r0 rewrite, routing, r0 gate, %2F in route values, access token, presence activity, endpoint. Call
    /// before mapping endpoints.
    /// </summary>
    public static WebApplication UseClientApiPipeline(this WebApplication app, HomeserverSettings settings)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(settings);
        app.UseMiddleware<RequestLoggingMiddleware>();
        app.UseMiddleware<CorsMiddleware>();
        app.UseMiddleware<MatrixErrorMiddleware>();
        app.UseMiddleware<BodySizeLimitMiddleware>(settings.Limits.MaxRequestBodyBytes);
        app.Use(QueryStringText.RefuseNulAsync);
        app.Use(R0Compatibility.RewriteAsync);
        app.UseRouting();
        app.Use(R0Compatibility.GateAsync);
        app.Use(PathParameters.DecodeSlashesAsync);
        app.UseMiddleware<AccessTokenMiddleware>();
        app.UseMiddleware<PresenceActivityMiddleware>();
        return app;
    }

    /// <summary>Every endpoint this project serves.</summary>
    public static IEndpointRouteBuilder MapClientApi(this IEndpointRouteBuilder app, HomeserverSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        app.MapVersions();
        app.MapWellKnown(settings.WellKnown);
        app.MapHealth();
        app.MapRegistration();
        app.MapLogin();
        app.MapAccount();
        app.MapRoomEvents();
        app.MapMemberships();
        app.MapDirectory();
        app.MapSpaces();
        app.MapRoomHistory();
        app.MapRelations();
        app.MapReports();
        app.MapRoomUpgrades();
        app.MapSearch();
        app.MapDevices();
        app.MapProfile();
        app.MapAccountData();
        app.MapCapabilities();
        app.MapPushRules();
        app.MapNotifications();
        app.MapTyping();
        app.MapReceipts();
        app.MapSync();
        app.MapPresence();
        app.MapKeys();
        return app;
    }
}
