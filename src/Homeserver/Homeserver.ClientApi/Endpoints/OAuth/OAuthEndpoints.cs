using Homeserver.ClientApi.Http;
using Homeserver.Http;
using Homeserver.Services.Configuration;
using Homeserver.Services.OAuth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.OAuth;

/// <summary>The OAuth 2.0 API's machine endpoints: client registration, token and revocation.</summary>
public static class OAuthEndpoints
{
    public static void MapOAuth(this IEndpointRouteBuilder app, WellKnownSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var root = new Lazy<string>(() => WellKnownEndpoints.BoundUrl(app, settings.ClientBaseUrl).AbsoluteUri.TrimEnd('/'));

        // POST device_authorization_endpoint (spec "Device authorisation flow", RFC 8628 section 3.1)
        app.MapPost(OAuthPaths.Device, async (HttpContext context, DeviceAuthorization devices,
            CancellationToken cancellationToken) =>
        {
            try
            {
                var started = await devices.StartAsync(await OAuthHttp.ReadFormAsync(context.Request, cancellationToken),
                    cancellationToken);
                var verification = root.Value + DeviceLinkPages.Path;
                OAuthHttp.NoStore(context);
                return Results.Json(new Dictionary<string, object>
                {
                    ["device_code"] = started.DeviceCode,
                    ["user_code"] = started.UserCode,
                    ["verification_uri"] = verification,
                    ["verification_uri_complete"] = verification + "?user_code=" + Uri.EscapeDataString(started.UserCode),
                    ["expires_in"] = started.ExpiresInSeconds,
                    ["interval"] = started.Interval,
                });
            }
            catch (OAuthException e)
            {
                return OAuthHttp.Error(context, e);
            }
        });

        // POST registration_endpoint (spec "Dynamic client registration flow", RFC 7591)
        app.MapPost(OAuthPaths.Register, async (HttpContext context, OAuthClientRegistration registration,
            CancellationToken cancellationToken) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, cancellationToken);
            try
            {
                var registered = await registration.RegisterAsync(body, context.ClientAddress(), cancellationToken);
                OAuthHttp.NoStore(context);
                return Results.Json(registered, statusCode: StatusCodes.Status201Created);
            }
            catch (OAuthException e)
            {
                return OAuthHttp.Error(context, e);
            }
        });

        // POST token_endpoint (spec "Grant types": authorization_code, refresh_token)
        app.MapPost(OAuthPaths.Token, async (HttpContext context, OAuthTokenService tokens,
            CancellationToken cancellationToken) =>
        {
            try
            {
                var form = await OAuthHttp.ReadFormAsync(context.Request, cancellationToken);
                var granted = await tokens.GrantAsync(form, cancellationToken);
                OAuthHttp.NoStore(context);
                return Results.Json(new Dictionary<string, object>
                {
                    ["access_token"] = granted.AccessToken,
                    ["token_type"] = "Bearer",
                    ["expires_in"] = granted.ExpiresInSeconds,
                    ["refresh_token"] = granted.RefreshToken,
                    ["scope"] = granted.Scope,
                });
            }
            catch (OAuthException e)
            {
                return OAuthHttp.Error(context, e);
            }
        });

        // POST revocation_endpoint (spec "Token revocation", RFC 7009): 200 for unknown tokens too
        app.MapPost(OAuthPaths.Revoke, async (HttpContext context, OAuthTokenService tokens,
            CancellationToken cancellationToken) =>
        {
            try
            {
                var form = await OAuthHttp.ReadFormAsync(context.Request, cancellationToken);
                var token = form.GetValueOrDefault("token");
                if (string.IsNullOrEmpty(token))
                {
                    throw new OAuthException(OAuthException.InvalidRequest, "token is required");
                }

                // token_type_hint only speeds a lookup up (RFC 7009 section 2.1); both kinds are searched anyway.
                await tokens.RevokeAsync(token, cancellationToken);
                OAuthHttp.NoStore(context);
                return Results.Json(new Dictionary<string, object>());
            }
            catch (OAuthException e)
            {
                return OAuthHttp.Error(context, e);
            }
        });
    }
}
