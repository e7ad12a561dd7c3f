using System.Text;

namespace Homeserver.ClientApi.Endpoints.Media;

/// <summary>
/// The headers media is served with (spec: "Serving inline content"): inline only for types a browser cannot run
/// script from (Synapse's allow-list), a sandboxing Content-Security-Policy, no sniffing, and long caching (content
/// behind a media ID never changes). File names follow RFC 6266: a token or quoted ASCII name, plus
/// <c>filename*</c> (RFC 8187, UTF-8) when the name is not ASCII.
/// </summary>
public static class MediaHeaders
{
    public const string ContentSecurityPolicy =
        "sandbox; default-src 'none'; script-src 'none'; plugin-types application/pdf; style-src 'unsafe-inline'; " +
        "media-src 'self'; object-src 'self';";

    public const string CacheControl = "public,max-age=86400,s-maxage=86400";

    private static readonly HashSet<string> InlineTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "text/css", "text/plain", "text/csv", "application/json", "application/ld+json",
        "image/jpeg", "image/gif", "image/png", "image/apng", "image/webp", "image/avif",
        "video/mp4", "video/webm", "video/ogg", "video/quicktime",
        "audio/mp4", "audio/webm", "audio/aac", "audio/mpeg", "audio/ogg", "audio/wave", "audio/wav", "audio/x-wav",
        "audio/x-pn-wav", "audio/flac", "audio/x-flac",
    };

    /// <summary>True when content of this type may be shown inline (parameters such as charset are ignored).</summary>
    public static bool IsInlineSafe(string contentType)
    {
        ArgumentNullException.ThrowIfNull(contentType);
        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        return InlineTypes.Contains((semicolon < 0 ? contentType : contentType[..semicolon]).Trim());
    }

    public static string ContentDisposition(string contentType, string? fileName)
    {
        var disposition = IsInlineSafe(contentType) ? "inline" : "attachment";
        if (string.IsNullOrEmpty(fileName))
        {
            return disposition;
        }

        if (fileName.All(IsTokenChar))
        {
            return $"{disposition}; filename={fileName}";
        }

        var quoted = QuotedAscii(fileName);
        return fileName.All(c => c is >= ' ' and < '\x7f')
            ? $"{disposition}; filename={quoted}"
            : $"{disposition}; filename={quoted}; filename*=utf-8''{PercentEncoded(fileName)}";
    }

    private static bool IsTokenChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || "!#$&+-.^_`|~".Contains(c, StringComparison.Ordinal);

    private static bool IsAttrChar(byte b) =>
        char.IsAsciiLetterOrDigit((char)b) || "!#$&+-.^_`|~".Contains((char)b, StringComparison.Ordinal);

    // The ASCII fallback for clients without filename*: other characters become '_'.
    private static string QuotedAscii(string fileName)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in fileName)
        {
            if (c is '"' or '\\')
            {
                builder.Append('\\').Append(c);
            }
            else
            {
                builder.Append(c is >= ' ' and < '\x7f' ? c : '_');
            }
        }

        return builder.Append('"').ToString();
    }

    private static string PercentEncoded(string fileName)
    {
        var builder = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(fileName))
        {
            if (IsAttrChar(b))
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }
}
