using System.Text.Json.Nodes;
using Homeserver.Services.OAuth;
using Homeserver.Services.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints.OAuth;

public static class AuthMetadataEndpoint
{
    public static void MapAuthMetadata(this IEndpointRouteBuilder app, WellKnownSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var metadata = new Lazy<string>(() => Metadata(WellKnownEndpoints.BoundUrl(app, settings.ClientBaseUrl)));

        // GET /_matrix/client/v1/auth_metadata
        app.MapGet("/_matrix/client/v1/auth_metadata", () => Results.Text(metadata.Value, "application/json"));

        // GET /_matrix/client/unstable/org.matrix.msc2965/auth_metadata (MSC2965's unstable path, for older clients)
        app.MapGet("/_matrix/client/unstable/org.matrix.msc2965/auth_metadata",
            () => Results.Text(metadata.Value, "application/json"));
    }

    /// <summary>The issuer and account management URL, for <c>/.well-known/matrix/client</c>.</summary>
    internal static JsonObject WellKnownBlock(Uri baseUrl)
    {
        var root = baseUrl.AbsoluteUri.TrimEnd('/');
        return new JsonObject { ["issuer"] = root + "/", ["account"] = root + AccountPages.Path };
    }

    /// <summary>RFC 8414 metadata with the fields the spec requires and js-sdk checks; the issuer is the server's
    /// client URL (the spec does not use it otherwise).</summary>
    internal static string Metadata(Uri baseUrl)
    {
        var root = baseUrl.AbsoluteUri.TrimEnd('/');
        return new JsonObject
        {
            ["issuer"] = root + "/",
            ["authorization_endpoint"] = root + OAuthPaths.Authorize,
            ["token_endpoint"] = root + OAuthPaths.Token,
            ["revocation_endpoint"] = root + OAuthPaths.Revoke,
            ["registration_endpoint"] = root + OAuthPaths.Register,
            ["response_types_supported"] = new JsonArray("code"),
            ["device_authorization_endpoint"] = root + OAuthPaths.Device,
            ["grant_types_supported"] = new JsonArray(OAuthClientMetadata.AuthorizationCode, OAuthClientMetadata.RefreshToken,
                OAuthClientMetadata.DeviceCode),
            ["response_modes_supported"] = new JsonArray(CallbackUrl.Query, CallbackUrl.Fragment),
            ["code_challenge_methods_supported"] = new JsonArray(Pkce.S256),
            ["token_endpoint_auth_methods_supported"] = new JsonArray(OAuthClientMetadata.None),
            ["revocation_endpoint_auth_methods_supported"] = new JsonArray(OAuthClientMetadata.None),
            ["scopes_supported"] = new JsonArray(OAuthScope.ApiToken, OAuthScope.DevicePrefix + "*"),
            ["account_management_uri"] = root + AccountPages.Path,
            ["account_management_actions_supported"] = new JsonArray(
                AccountManagementPages.SupportedActions.Select(a => (JsonNode?)JsonValue.Create(a)).ToArray()),
        }.ToJsonString();
    }
}
