namespace Homeserver.Services.Media.UrlPreview;

/// <summary>
/// Cuts an HTML document where its elements would nest deeper than <see cref="MaxDepth"/>. The HTML5 tree builder
/// looks through the stack of open elements for each start tag, so a page of 200,000 nested <c>&lt;div&gt;</c>s costs
/// time quadratic in its size (minutes); browsers cap the depth for the same reason, and libxml2 (Synapse's parser) cuts
/// at 256. This is a light scan, not a parser: tags are counted as written (void elements, elements whose end tag may
/// be left out, and raw text of scripts and styles skipped), which may count deeper than the parser would build, so it
/// can only cut early, and only deep pages, whose OpenGraph data sits in the head anyway.
/// </summary>
public static class HtmlDepthGuard
{
    public const int MaxDepth = 256;

    private static readonly HashSet<string> NotCounted = new(StringComparer.OrdinalIgnoreCase)
    {
        // void elements
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "param",
        "keygen",
        // end tag optional, or implied by the next one
        "html", "head", "body", "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "rb", "rt", "rp", "rtc",
        "tbody", "thead", "tfoot", "colgroup", "caption",
    };

    private static readonly HashSet<string> RawText = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "style", "textarea", "title", "xmp", "noembed", "noframes", "iframe", "plaintext",
    };

    /// <summary>The document, or its start up to the first tag nesting deeper than <see cref="MaxDepth"/>.</summary>
    public static string Limit(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        var depth = 0;
        var i = 0;
        while ((i = html.IndexOf('<', i)) >= 0 && i + 1 < html.Length)
        {
            if (string.CompareOrdinal(html, i, "<!--", 0, 4) == 0)
            {
                var endOfComment = html.IndexOf("-->", i + 4, StringComparison.Ordinal);
                if (endOfComment < 0)
                {
                    break;
                }

                i = endOfComment + 3;
                continue;
            }

            var closing = html[i + 1] == '/';
            var nameStart = i + (closing ? 2 : 1);
            var nameEnd = nameStart;
            while (nameEnd < html.Length && (char.IsAsciiLetterOrDigit(html[nameEnd]) || html[nameEnd] == '-'))
            {
                nameEnd++;
            }

            var end = html.IndexOf('>', nameEnd);
            if (nameEnd == nameStart || end < 0)
            {
                i++;
                continue;
            }

            var name = html[nameStart..nameEnd];
            if (closing)
            {
                depth = NotCounted.Contains(name) ? depth : Math.Max(0, depth - 1);
            }
            else if (RawText.Contains(name))
            {
                var close = html.IndexOf("</" + name, end, StringComparison.OrdinalIgnoreCase);
                if (close < 0)
                {
                    break;
                }

                end = close + 1 + name.Length;
            }
            else if (!NotCounted.Contains(name) && html[end - 1] != '/' && ++depth > MaxDepth)
            {
                return html[..i];
            }

            i = end + 1;
        }

        return html;
    }
}
