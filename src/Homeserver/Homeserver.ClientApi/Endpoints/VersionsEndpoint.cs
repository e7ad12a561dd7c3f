using Homeserver.ClientApi.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints;

public static class VersionsEndpoint
{
    /// <summary>
    /// The spec versions whose client-server API this server implements in full. A version is added
    /// when every endpoint it requires is served; until then clients are told nothing they would rely on.
    /// </summary>
    public static readonly IReadOnlyList<string> SupportedVersions = [];

    /// <summary>Unstable features (MSC-namespaced) that are actually served.</summary>
    public static readonly IReadOnlyDictionary<string, bool> UnstableFeatures = new Dictionary<string, bool>();

    public static void MapVersions(this IEndpointRouteBuilder app)
    {
        // GET /_matrix/client/versions (authentication optional: spec v1.10 lets the answer depend on the user)
        app.MapGet("/_matrix/client/versions", () => Results.Json(new VersionsResponse(SupportedVersions, UnstableFeatures)))
            .AllowAccessToken();
    }

    private sealed record VersionsResponse(
        [property: System.Text.Json.Serialization.JsonPropertyName("versions")] IReadOnlyList<string> Versions,
        [property: System.Text.Json.Serialization.JsonPropertyName("unstable_features")] IReadOnlyDictionary<string, bool> UnstableFeatures);
}
