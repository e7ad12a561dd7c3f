using System.Text.Json.Nodes;
using Homeserver.Services.OAuth;
using Microsoft.AspNetCore.Http;

namespace Homeserver.ClientApi.Endpoints.OAuth;

/// <summary>Reading the OAuth endpoints' form bodies and query strings, and answering OAuth errors.</summary>
internal static class OAuthHttp
{
    private const int MaxValueLength = 4096;

    /// <summary>An <c>application/x-www-form-urlencoded</c> body, each parameter at most once (RFC 6749 section 3.2).</summary>
    /// <exception cref="OAuthException"><c>invalid_request</c> for another content type, a malformed body or a
    /// repeated parameter.</exception>
    public static async Task<IReadOnlyDictionary<string, string>> ReadFormAsync(HttpRequest request,
        CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType ||
            !request.ContentType!.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            throw new OAuthException(OAuthException.InvalidRequest, "The body must be application/x-www-form-urlencoded");
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(cancellationToken);
        }
        catch (InvalidDataException)
        {
            throw new OAuthException(OAuthException.InvalidRequest, "The form body is malformed or too large");
        }

        return Single(form.Select(p => (p.Key, p.Value)));
    }

    /// <summary>The query string's parameters, each at most once.</summary>
    public static IReadOnlyDictionary<string, string> ReadQuery(HttpRequest request) =>
        Single(request.Query.Select(p => (p.Key, p.Value)));

    /// <summary>An OAuth error response (RFC 6749 section 5.2), never cached.</summary>
    public static IResult Error(HttpContext context, OAuthException error)
    {
        NoStore(context);
        return Results.Json(new JsonObject { ["error"] = error.Error, ["error_description"] = error.Message },
            statusCode: error.Status);
    }

    public static void NoStore(HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";
    }

    private static Dictionary<string, string> Single(IEnumerable<(string Key, Microsoft.Extensions.Primitives.StringValues Values)> parameters)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, values) in parameters)
        {
            if (values.Count != 1)
            {
                throw new OAuthException(OAuthException.InvalidRequest, $"'{key}' must be given exactly once");
            }

            var value = values[0] ?? "";
            if (value.Length > MaxValueLength || value.Contains('\0', StringComparison.Ordinal))
            {
                throw new OAuthException(OAuthException.InvalidRequest, $"'{key}' is too long or malformed");
            }

            result[key] = value;
        }

        return result;
    }
}
