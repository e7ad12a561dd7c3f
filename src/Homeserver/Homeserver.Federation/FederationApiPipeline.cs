using Homeserver.Federation.Endpoints;
using Homeserver.Federation.Http;
using Homeserver.Http;
using Homeserver.Services.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.Federation;

public static class FederationApiPipeline
{
    /// <summary>
    /// The federation listener's pipeline, in order: request log, error mapping, %00 in the query, routing, body limit,
    /// %2F in route values, X-Matrix authentication (<c>/_matrix/federation/*</c> only), endpoint. It has its own route
    /// table: client routes are not found here, and unknown paths answer 404 <c>M_UNRECOGNIZED</c>.
    /// </summary>
    public static IApplicationBuilder UseFederationApi(this IApplicationBuilder app, HomeserverSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        app.UseMiddleware<RequestLoggingMiddleware>();
        app.UseMiddleware<MatrixErrorMiddleware>();
        app.Use(QueryStringText.RefuseNulAsync);
        app.UseRouting();
        app.UseMiddleware<BodySizeLimitMiddleware>(settings.Limits.MaxRequestBodyBytes);
        app.Use(PathParameters.DecodeSlashesAsync);
        app.UseMiddleware<XMatrixAuthenticationMiddleware>();
        app.UseEndpoints(endpoints => endpoints.MapFederationApi());
        return app;
    }

    /// <summary>Every endpoint of the federation listener.</summary>
    public static IEndpointRouteBuilder MapFederationApi(this IEndpointRouteBuilder app)
    {
        app.MapServerKeys();
        app.MapFederationVersion();
        app.MapFederationQueries();
        app.MapFederationHistory();
        app.MapFederationTransactions();
        app.MapMembershipHandshakes();
        app.MapFederationInvites();
        app.MapFederationDirectory();
        app.MapFederationUserKeys();
        app.MapFederationOpenId();
        app.MapFederationMedia();
        return app;
    }
}
