using System.Text;
using System.Text.RegularExpressions;

namespace Homeserver.Services.Media.UrlPreview;

/// <summary>
/// Decodes an HTML body to text. The encoding is the first of these that decodes the bytes without error: a byte order
/// mark; a <c>&lt;meta charset&gt;</c> (or <c>http-equiv</c> Content-Type) in the first 1024 bytes; an XML
/// declaration's encoding; the Content-Type header's charset; UTF-8; windows-1252 (as Synapse's preview_html).
/// </summary>
public static partial class HtmlCharset
{
    private const int PrescanBytes = 1024;

    static HtmlCharset() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static string Decode(byte[] body, string? headerCharset)
    {
        ArgumentNullException.ThrowIfNull(body);
        var bomEncoding = BomEncoding(body, out var bomLength);
        if (bomEncoding is not null)
        {
            return bomEncoding.GetString(body, bomLength, body.Length - bomLength);
        }

        foreach (var name in Candidates(body, headerCharset))
        {
            var encoding = Strict(name);
            if (encoding is null)
            {
                continue;
            }

            try
            {
                return encoding.GetString(body);
            }
            catch (DecoderFallbackException)
            {
                // Not this encoding; try the next one.
            }
        }

        return Encoding.Latin1.GetString(body);
    }

    private static IEnumerable<string> Candidates(byte[] body, string? headerCharset)
    {
        var start = Encoding.Latin1.GetString(body, 0, Math.Min(body.Length, PrescanBytes));
        if (MetaCharset().Match(start) is { Success: true } meta)
        {
            yield return meta.Groups[1].Value;
        }

        if (XmlEncoding().Match(start) is { Success: true } xml)
        {
            yield return xml.Groups[1].Value;
        }

        if (!string.IsNullOrWhiteSpace(headerCharset))
        {
            yield return headerCharset.Trim().Trim('"', '\'');
        }

        yield return "utf-8";
        yield return "windows-1252";
    }

    private static Encoding? Strict(string name)
    {
        try
        {
            var encoding = Encoding.GetEncoding(name, EncoderFallback.ExceptionFallback,
                DecoderFallback.ExceptionFallback);
            // A page cannot declare itself UTF-16 in ASCII bytes; the HTML spec reads such a declaration as UTF-8.
            return encoding is UnicodeEncoding or UTF32Encoding
                ? new UTF8Encoding(false, throwOnInvalidBytes: true)
                : encoding;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static Encoding? BomEncoding(byte[] body, out int length)
    {
        (Encoding? encoding, length) = body switch
        {
            [0xEF, 0xBB, 0xBF, ..] => (new UTF8Encoding(false), 3),
            [0xFF, 0xFE, ..] => (Encoding.Unicode, 2),
            [0xFE, 0xFF, ..] => (Encoding.BigEndianUnicode, 2),
            _ => ((Encoding?)null, 0),
        };
        return encoding;
    }

    [GeneratedRegex("""<\s*meta[^>]*charset\s*=\s*["']?([a-z0-9_:.-]+)""", RegexOptions.IgnoreCase)]
    private static partial Regex MetaCharset();

    [GeneratedRegex("""^\s*<\s*\?\s*xml[^>]*encoding\s*=\s*["']([a-z0-9_:.-]+)["']""", RegexOptions.IgnoreCase)]
    private static partial Regex XmlEncoding();
}
