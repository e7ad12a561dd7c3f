using System.Net;
using System.Text.RegularExpressions;

namespace Homeserver.Services.Configuration;

/// <summary>The settings of URL previews (<c>Media:UrlPreview:*</c>), read for <see cref="SettingsReader"/>.</summary>
internal static class UrlPreviewSettingsReader
{
    public static UrlPreviewSettings Read(SettingsReader.ValueReader reader)
    {
        var enabled = reader.Parse("Media:UrlPreview:Enabled", SettingsReader.ParseBool);
        var denied = reader.ParseList("Media:UrlPreview:DeniedRanges", ParseRange);
        var allowed = reader.ParseList("Media:UrlPreview:AllowedRanges", ParseRange);
        var patterns = reader.ParseList("Media:UrlPreview:DeniedUrlPatterns", ParsePattern);
        var maxBytes = reader.Parse("Media:UrlPreview:MaxBytes", text => ParseBytes(text));
        var timeout = reader.Parse("Media:UrlPreview:TimeoutSeconds",
            text => SettingsReader.ParseInteger(text, 1, 600));
        return new UrlPreviewSettings(enabled, denied, allowed, patterns, maxBytes, TimeSpan.FromSeconds(timeout));
    }

    /// <summary>A CIDR (<c>10.0.0.0/8</c>, <c>fd00::/8</c>) or a single address (a /32 or /128).</summary>
    public static (IPNetwork, string?) ParseRange(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0 && IPNetwork.TryParse(text, out var network) &&
            IPAddress.TryParse(text[..slash], out var written) && written.Equals(network.BaseAddress))
        {
            return (network, null);
        }

        return IPAddress.TryParse(text, out var address) && !text.Contains('/', StringComparison.Ordinal)
            ? (new IPNetwork(address, address.GetAddressBytes().Length * 8), null)
            : (default, $"'{text}' is not an address range (a CIDR such as 10.0.0.0/8 or fd00::/8, host bits zero, " +
                        "or one address)");
    }

    private static (string, string?) ParsePattern(string text)
    {
        if (text.Length == 0)
        {
            return ("", "is empty");
        }

        if (!text.StartsWith('^'))
        {
            return text.Any(c => char.IsWhiteSpace(c) || c is '/' or ':')
                ? ("", $"'{text}' is neither a host glob (such as *.example.com) nor a regular expression starting with ^")
                : (text, null);
        }

        try
        {
            _ = new Regex(text, RegexOptions.None, TimeSpan.FromSeconds(1));
            return (text, null);
        }
        catch (ArgumentException e)
        {
            return ("", $"'{text}' is not a valid regular expression: {e.Message}");
        }
    }

    private static (long, string?) ParseBytes(string text) =>
        long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture,
            out var value) && value is >= 1024 and <= 1L << 30
            ? (value, null)
            : (0, $"'{text}' is not a whole number of bytes from 1024 to {1L << 30}");
}
