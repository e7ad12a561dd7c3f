using Homeserver.ClientApi.Endpoints;
using Homeserver.ClientApi.Endpoints.Accounts;
using Homeserver.ClientApi.Endpoints.Admin;
using Homeserver.ClientApi.Endpoints.ThirdParty;
using Homeserver.ClientApi.Endpoints.Presence;
using Homeserver.ClientApi.Endpoints.Keys;
using Homeserver.ClientApi.Endpoints.Live;
using Homeserver.ClientApi.Endpoints.Media;
using Homeserver.ClientApi.Endpoints.OAuth;
using Homeserver.ClientApi.Endpoints.Rooms;
using Homeserver.ClientApi.Endpoints.Social;
using Homeserver.ClientApi.Endpoints.Sync;
using Homeserver.ClientApi.Http;
using Homeserver.Http;
using Homeserver.Services.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi;

public static class ClientApiPipeline
{
    /// <summary>
    /// The HTTP pipeline every request goes through, in order: request log, CORS, error mapping, %00 in the query, r0
    /// rewrite, routing, body limit (after routing: media uploads have their own), r0 gate, %2F in route values, access
    /// token, presence activity, endpoint. Call before mapping endpoints.
    /// </summary>
    public static WebApplication UseClientApiPipeline(this WebApplication app, HomeserverSettings settings)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(settings);
        app.UseMiddleware<RequestLoggingMiddleware>();
        app.UseMiddleware<CorsMiddleware>();
        app.UseMiddleware<MatrixErrorMiddleware>();
        app.Use(QueryStringText.RefuseNulAsync);
        app.Use(R0Compatibility.RewriteAsync);
        app.UseRouting();
        app.UseMiddleware<BodySizeLimitMiddleware>(settings.Limits.MaxRequestBodyBytes);
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
        app.MapSso(settings);
        app.MapExternalIds();
        app.MapAuthMetadata(settings.WellKnown);
        app.MapOAuth(settings.WellKnown);
        app.MapOAuthPages();
        app.MapDeviceLinkPages();
        app.MapAccountPages();
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
        app.MapPushers();
        app.MapNotifications();
        app.MapTyping();
        app.MapReceipts();
        app.MapSync();
        app.MapSlidingSync();
        app.MapPresence();
        app.MapKeys();
        app.MapSocial();
        app.MapMediaUploads(settings.Media.MaxUploadBytes);
        app.MapMediaDownloads();
        app.MapUrlPreviews();
        app.MapDelayedEvents();
        app.MapThreePids();
        app.MapThirdPartyLookups();
        Endpoints.AppServices.AppServicePingEndpoint.MapAppServicePing(app);
        app.MapVoip();
        app.MapAdmin();
        app.MapSynapseAdmin();
        app.MapLegacySync();
        Endpoints.Live.GalleryEndpoints.MapLiveGallery(app);
        Endpoints.Live.WebhookEndpoints.MapLiveWebhooks(app, settings);
        Endpoints.Live.JoinLinkEndpoints.MapLiveJoinLinks(app);
        app.MapLivePosting();
        return app;
    }
}
