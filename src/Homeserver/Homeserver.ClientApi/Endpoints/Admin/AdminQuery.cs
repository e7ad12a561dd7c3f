using System.Globalization;
using Homeserver.Core.Errors;
using Homeserver.Services.Admin;
using Microsoft.AspNetCore.Http;

namespace Homeserver.ClientApi.Endpoints.Admin;

/// <summary>Query parameters of the admin API, parsed with Synapse's rules and error messages (400
/// <c>M_INVALID_PARAM</c> for a malformed value), since tools show those messages to admins.</summary>
public static class AdminQuery
{
    /// <summary><c>from</c> and <c>limit</c>: non-negative integers, 0 and 100 by default.</summary>
    public static AdminPage Page(HttpRequest request) =>
        new(NonNegative(request, "from", 0), NonNegative(request, "limit", AdminPage.DefaultLimit));

    public static int NonNegative(HttpRequest request, string name, int defaultValue)
    {
        var text = Text(request, name);
        if (text is null)
        {
            return defaultValue;
        }

        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            throw new MatrixException(ErrorCode.InvalidParam, $"Query parameter {name} must be an integer");
        }

        return value >= 0
            ? value
            : throw new MatrixException(ErrorCode.InvalidParam, $"Query parameter {name} must be a positive integer.");
    }

    /// <summary>"true" or "false" exactly; null when absent.</summary>
    public static bool? Boolean(HttpRequest request, string name) => Text(request, name) switch
    {
        null => null,
        "true" => true,
        "false" => false,
        _ => throw new MatrixException(ErrorCode.InvalidParam,
            $"Boolean query parameter '{name}' must be one of ['true', 'false']"),
    };

    public static string? Text(HttpRequest request, string name)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Query.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;
    }

    /// <summary>A value from a fixed set, or <paramref name="defaultValue"/> when absent.</summary>
    public static string OneOf(HttpRequest request, string name, string defaultValue, IReadOnlyCollection<string> allowed)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        var value = Text(request, name) ?? defaultValue;
        return allowed.Contains(value)
            ? value
            : throw new MatrixException(ErrorCode.InvalidParam,
                $"Query parameter '{name}' must be one of [{string.Join(", ", allowed.Select(a => $"'{a}'"))}]");
    }

    /// <summary><c>dir</c>: <c>f</c> (default) or <c>b</c>; true for backwards.</summary>
    public static bool Backwards(HttpRequest request) => OneOf(request, "dir", "f", ["f", "b"]) == "b";
}
