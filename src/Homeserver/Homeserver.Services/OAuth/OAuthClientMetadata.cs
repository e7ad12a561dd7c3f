using System.Text.Json;
using System.Text.Json.Nodes;

namespace Homeserver.Services.OAuth;

/// <summary>
/// A client's registered metadata (spec "Client metadata", RFC 7591), as validated from a registration request:
/// only the fields the spec defines, values this server does not understand left out, localised variants dropped.
/// </summary>
public sealed record OAuthClientMetadata(
    Uri ClientUri,
    string? ClientName,
    bool Native,
    IReadOnlyList<string> RedirectUris,
    IReadOnlyList<string> GrantTypes,
    IReadOnlyList<string> ResponseTypes,
    string? LogoUri,
    string? TosUri,
    string? PolicyUri)
{
    public const string AuthorizationCode = "authorization_code";
    public const string RefreshToken = "refresh_token";
    public const string DeviceCode = "urn:ietf:params:oauth:grant-type:device_code";
    public const string None = "none";
    public const int MaxRedirectUris = 20;
    public const int MaxNameLength = 256;

    public static readonly IReadOnlyList<string> SupportedGrantTypes = [AuthorizationCode, RefreshToken, DeviceCode];

    public string ApplicationType => Native ? "native" : "web";

    public bool Allows(string grantType) => GrantTypes.Contains(grantType);

    /// <summary>The registration response: the client ID and every registered value.</summary>
    public JsonObject ToJson(string clientId)
    {
        var json = new JsonObject
        {
            ["client_id"] = clientId,
            ["client_uri"] = ClientUri.OriginalString,
            ["application_type"] = ApplicationType,
            ["redirect_uris"] = new JsonArray(RedirectUris.Select(u => (JsonNode)JsonValue.Create(u)).ToArray()),
            ["grant_types"] = new JsonArray(GrantTypes.Select(u => (JsonNode)JsonValue.Create(u)).ToArray()),
            ["response_types"] = new JsonArray(ResponseTypes.Select(u => (JsonNode)JsonValue.Create(u)).ToArray()),
            ["token_endpoint_auth_method"] = None,
        };
        AddIfSet(json, "client_name", ClientName);
        AddIfSet(json, "logo_uri", LogoUri);
        AddIfSet(json, "tos_uri", TosUri);
        AddIfSet(json, "policy_uri", PolicyUri);
        return json;
    }

    /// <summary>Reads stored metadata back (what <see cref="ToJson"/> wrote).</summary>
    public static OAuthClientMetadata FromStored(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Validate(document.RootElement);
    }

    /// <summary>Validates a registration request.</summary>
    /// <exception cref="OAuthException"><c>invalid_client_metadata</c> or <c>invalid_redirect_uri</c>.</exception>
    public static OAuthClientMetadata Validate(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("The body must be a JSON object");
        }

        var clientUriText = String(body, "client_uri") ?? throw Invalid("client_uri is required");
        if (!Uri.TryCreate(clientUriText, UriKind.Absolute, out var clientUri) || clientUri.Scheme != Uri.UriSchemeHttps ||
            clientUri.UserInfo.Length > 0 || clientUri.Fragment.Length > 0 || clientUriText.Length > OAuth.RedirectUris.MaxLength)
        {
            throw Invalid("client_uri must be an https URL without user, password or fragment");
        }

        var native = String(body, "application_type") switch
        {
            null or "web" => false,
            "native" => true,
            _ => throw Invalid("application_type must be 'web' or 'native'"),
        };
        if (String(body, "token_endpoint_auth_method") is { } method && method != None)
        {
            throw Invalid("Only public clients are supported: token_endpoint_auth_method must be 'none'");
        }

        var redirectUris = Strings(body, "redirect_uris") ?? [];
        if (redirectUris.Count > MaxRedirectUris)
        {
            throw new OAuthException(OAuthException.InvalidRedirectUri, $"At most {MaxRedirectUris} redirect URIs");
        }

        foreach (var uri in redirectUris)
        {
            if (OAuth.RedirectUris.ProblemForRegistration(uri, native, clientUri) is { } problem)
            {
                throw new OAuthException(OAuthException.InvalidRedirectUri, $"{problem}: {uri}");
            }
        }

        // RFC 7591 defaults; values this server does not understand are ignored, as the spec asks.
        var grantTypes = (Strings(body, "grant_types") ?? [AuthorizationCode])
            .Where(SupportedGrantTypes.Contains).Distinct().ToList();
        var responseTypes = (Strings(body, "response_types") ?? ["code"]).Where(t => t == "code").Distinct().ToList();
        var name = String(body, "client_name");
        if (name is { Length: > MaxNameLength })
        {
            throw Invalid($"client_name must be at most {MaxNameLength} characters");
        }

        return new OAuthClientMetadata(clientUri, name, native, redirectUris.Distinct().ToList(), grantTypes,
            responseTypes, HttpsUri(body, "logo_uri", clientUri), HttpsUri(body, "tos_uri", clientUri),
            HttpsUri(body, "policy_uri", clientUri));
    }

    private static string? HttpsUri(JsonElement body, string name, Uri clientUri)
    {
        var value = String(body, name);
        if (value is null)
        {
            return null;
        }

        return value.Length <= OAuth.RedirectUris.MaxLength && OAuth.RedirectUris.ProblemForHttpsUri(value, clientUri) is null
            ? value
            : throw Invalid($"{name} must be an https URL on the client URI's host or a subdomain of it");
    }

    private static string? String(JsonElement body, string name) =>
        !body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null
            ? null
            : value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : throw Invalid($"{name} must be a string");

    private static List<string>? Strings(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
        {
            throw Invalid($"{name} must be an array of strings");
        }

        return value.EnumerateArray().Select(v => v.GetString()!).ToList();
    }

    private static void AddIfSet(JsonObject json, string name, string? value)
    {
        if (value is not null)
        {
            json[name] = value;
        }
    }

    private static OAuthException Invalid(string description) =>
        new(OAuthException.InvalidClientMetadata, description);
}
