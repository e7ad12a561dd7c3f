using System.Text.Json.Nodes;

namespace Homeserver.Fuzz.Spec;

/// <summary>One operation of the client-server API: method, full path template and what its requests carry.</summary>
/// <param name="Template">The full path, with the server's base path: <c>/_matrix/client/v3/rooms/{roomId}/send/...</c>.</param>
/// <param name="Parameters">Path and query parameters, <c>$ref</c>s followed.</param>
/// <param name="RequestSchema">The JSON request body's schema, when the operation takes a JSON body.</param>
/// <param name="RequestContentType">The body's media type when it is not JSON (uploads), else null.</param>
/// <param name="RequiresAuth">Whether the operation names a security scheme (an access token).</param>
/// <param name="UpstreamFailures">The 5xx statuses other than 500 the operation documents (remote media's 502 and
/// 504: another server that failed or is slow); an answer, not a crash.</param>
public sealed record SpecEndpoint(
    string Method,
    string Template,
    IReadOnlyList<SpecParameter> Parameters,
    JsonNode? RequestSchema,
    string? RequestContentType,
    bool RequiresAuth,
    bool Deprecated,
    IReadOnlySet<int>? UpstreamFailures = null)
{
    public string Key => $"{Method} {Template}";

    public IEnumerable<SpecParameter> PathParameters => Parameters.Where(p => p.In == "path");

    public IEnumerable<SpecParameter> QueryParameters => Parameters.Where(p => p.In == "query");

    /// <summary>Whether the operation takes a request body at all.</summary>
    public bool HasBody => RequestSchema is not null || RequestContentType is not null;
}

/// <summary>A path or query parameter: its name, where it goes, whether it is required and its schema.</summary>
public sealed record SpecParameter(string Name, string In, bool Required, JsonNode? Schema);
