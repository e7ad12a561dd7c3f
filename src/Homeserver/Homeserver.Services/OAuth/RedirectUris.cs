using System.Text.RegularExpressions;

namespace Homeserver.Services.OAuth;

/// <summary>
/// The spec's redirect URI rules ("Redirect URI validation"): what a client may register for its application type,
/// and which registered URI an authorisation request's <c>redirect_uri</c> matches (exactly, except that a native
/// client's loopback URI, registered without a port, matches with any port).
/// </summary>
public static partial class RedirectUris
{
    public const int MaxLength = 2000;

    /// <returns>Null when <paramref name="uri"/> may be registered, else why not.</returns>
    public static string? ProblemForRegistration(string uri, bool native, Uri clientUri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(clientUri);
        if (uri.Length > MaxLength || uri.Contains('#', StringComparison.Ordinal))
        {
            return "A redirect URI must not have a fragment and must be at most 2000 characters";
        }

        if (ProblemForHttpsUri(uri, clientUri) is not { } httpsProblem)
        {
            return null;
        }

        if (!native)
        {
            return httpsProblem;
        }

        if (uri.StartsWith("http:", StringComparison.OrdinalIgnoreCase))
        {
            return LoopbackUri().IsMatch(uri) && LoopbackUri().Match(uri).Groups["port"].Length == 0
                ? null
                : "An http redirect URI must be on localhost, 127.0.0.1 or [::1], without a port";
        }

        return ProblemForPrivateUseScheme(uri, clientUri);
    }

    /// <summary>The registered URI that <paramref name="requested"/> names, or null when it names none.</summary>
    public static string? Match(IEnumerable<string> registered, bool native, string? requested)
    {
        ArgumentNullException.ThrowIfNull(registered);
        if (string.IsNullOrEmpty(requested))
        {
            return null;
        }

        var withoutPort = native && LoopbackUri().Match(requested) is { Success: true } loopback
            ? "http://" + loopback.Groups["host"].Value + loopback.Groups["rest"].Value
            : null;
        return registered.FirstOrDefault(r => string.Equals(r, requested, StringComparison.Ordinal) ||
                                              string.Equals(r, withoutPort, StringComparison.Ordinal));
    }

    /// <summary>A web client's https URI (or a native client's claimed https URI): the client URI's host or a
    /// subdomain of it, no user or password.</summary>
    public static string? ProblemForHttpsUri(string uri, Uri clientUri)
    {
        ArgumentNullException.ThrowIfNull(clientUri);
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.Scheme != Uri.UriSchemeHttps)
        {
            return "The URI must use the https scheme";
        }

        if (parsed.UserInfo.Length > 0)
        {
            return "The URI must not hold a user or password";
        }

        return HasCommonBase(parsed, clientUri) ? null : "The URI must be on the client URI's host or a subdomain of it";
    }

    private static bool HasCommonBase(Uri uri, Uri clientUri) =>
        string.Equals(uri.IdnHost, clientUri.IdnHost, StringComparison.OrdinalIgnoreCase) ||
        uri.IdnHost.EndsWith("." + clientUri.IdnHost, StringComparison.OrdinalIgnoreCase);

    // com.example.app:/callback for https://example.com/: the scheme is the client host reversed (or starts with it and
    // a dot), and nothing that looks like an authority follows it.
    private static string? ProblemForPrivateUseScheme(string uri, Uri clientUri)
    {
        var colon = uri.IndexOf(':', StringComparison.Ordinal);
        var scheme = colon > 0 ? uri[..colon].ToLowerInvariant() : "";
        if (!PrivateScheme().IsMatch(scheme))
        {
            return "The redirect URI must use https, loopback http, or a private-use scheme";
        }

        if (uri.AsSpan(colon + 1).StartsWith("//"))
        {
            return "A private-use scheme redirect URI must not have an authority (use 'scheme:/path')";
        }

        var reversed = string.Join('.', clientUri.IdnHost.ToLowerInvariant().Split('.').Reverse());
        return scheme == reversed || scheme.StartsWith(reversed + ".", StringComparison.Ordinal)
            ? null
            : $"A private-use scheme must be the client URI's host in reverse-DNS notation ({reversed})";
    }

    [GeneratedRegex(@"^[a-z][a-z0-9+\-]*(\.[a-z0-9+\-]+)+$")]
    private static partial Regex PrivateScheme();

    [GeneratedRegex(@"^http://(?<host>localhost|127\.0\.0\.1|\[::1\])(?<port>:[0-9]{1,5})?(?<rest>[/?][^#]*)?$",
        RegexOptions.IgnoreCase)]
    private static partial Regex LoopbackUri();
}
