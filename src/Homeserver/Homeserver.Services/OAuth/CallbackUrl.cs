using System.Text;

namespace Homeserver.Services.OAuth;

/// <summary>The callback to the client's redirect URI, with its parameters in the query or the fragment
/// (spec "Callback").</summary>
public static class CallbackUrl
{
    public const string Query = "query";
    public const string Fragment = "fragment";

    public static string Build(string redirectUri, string responseMode, IEnumerable<KeyValuePair<string, string?>> parameters)
    {
        ArgumentNullException.ThrowIfNull(redirectUri);
        ArgumentNullException.ThrowIfNull(parameters);
        var encoded = new StringBuilder();
        foreach (var (name, value) in parameters)
        {
            if (value is null)
            {
                continue;
            }

            encoded.Append(encoded.Length == 0 ? "" : "&").Append(Uri.EscapeDataString(name)).Append('=')
                .Append(Uri.EscapeDataString(value));
        }

        var separator = responseMode == Fragment ? "#" : redirectUri.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        return redirectUri + separator + encoded;
    }

    public static string Error(string redirectUri, string responseMode, string? state, string error,
        string description) =>
        Build(redirectUri, responseMode, [new("error", error), new("error_description", description), new("state", state)]);
}
