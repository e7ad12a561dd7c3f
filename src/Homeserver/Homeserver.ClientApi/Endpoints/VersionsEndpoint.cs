using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Homeserver.ClientApi.Endpoints;

public static class VersionsEndpoint
{
    /// <summary>
    /// Every spec version whose required client modules (the spec's feature profiles) this server serves. Optional
    /// modules (3PID, SSO, third-party networks) may be absent or minimal; README's Status says which.
    /// </summary>
    public static readonly IReadOnlyList<string> SupportedVersions =
    [
        "r0.0.1", "r0.1.0", "r0.2.0", "r0.3.0", "r0.4.0", "r0.5.0", "r0.6.0", "r0.6.1",
        "v1.1", "v1.2", "v1.3", "v1.4", "v1.5", "v1.6", "v1.7", "v1.8", "v1.9", "v1.10",
        "v1.11", "v1.12", "v1.13", "v1.14", "v1.15", "v1.16", "v1.17", "v1.18", "v1.19",
    ];

    /// <summary>Unstable features (MSC-namespaced) that are actually served.</summary>
    public static readonly IReadOnlyDictionary<string, bool> UnstableFeatures = new Dictionary<string, bool>
    {
        ["org.matrix.msc3814"] = true, // dehydrated devices (unstable endpoints)
        ["org.matrix.msc4140"] = true, // delayed events
        ["org.matrix.msc4380"] = true, // invite blocking
        ["org.matrix.simplified_msc3575"] = true, // simplified sliding sync (MSC4186)
    };

    public static void MapVersions(this IEndpointRouteBuilder app)
    {
        // GET /_matrix/client/versions: the same for everyone, so a token is not even read (clients send stale ones here)
        app.MapGet("/_matrix/client/versions", () => Results.Json(new VersionsResponse(SupportedVersions, UnstableFeatures)));
    }

    private sealed record VersionsResponse(
        [property: System.Text.Json.Serialization.JsonPropertyName("versions")] IReadOnlyList<string> Versions,
        [property: System.Text.Json.Serialization.JsonPropertyName("unstable_features")] IReadOnlyDictionary<string, bool> UnstableFeatures);
}
