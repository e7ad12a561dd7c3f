using System.Net;
using System.Text.RegularExpressions;

namespace Homeserver.Services.Live.Gallery;

/// <summary>
/// The http and https links of a message: those written in its plain-text body (trailing punctuation and unbalanced
/// closing brackets are not part of them) and the <c>href</c> of its HTML body's anchors, in that order, each once.
/// </summary>
public static partial class LinkFinder
{
    /// <summary>Longer links are left out (a body may hold 64 KiB; an index row need not).</summary>
    public const int MaxLinkLength = 2048;

    private const string TrailingPunctuation = ".,;:!?'\"*_~";

    // Linear by construction (no nested quantifiers): the whole token after the scheme, trimmed afterwards.
    [GeneratedRegex(@"\bhttps?://[^\s<>""]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PlainLink();

    // A tag's attributes are scanned lazily up to href: the non-backtracking engine keeps that linear whatever the HTML.
    private static readonly Regex AnchorHref = new(
        """<a\s(?:[^>]*\s)?href\s*=\s*(?:"(?<v>[^"]*)"|'(?<v>[^']*)'|(?<v>[^\s>"']+))""",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);

    public static IReadOnlyList<string> Find(string? body, string? html, int max)
    {
        var found = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (body is not null)
        {
            foreach (Match match in PlainLink().Matches(body))
            {
                if (!TryAdd(Trim(match.Value)))
                {
                    return found;
                }
            }
        }

        if (html is not null)
        {
            foreach (Match match in AnchorHref.Matches(html))
            {
                if (!TryAdd(WebUtility.HtmlDecode(match.Groups["v"].Value).Trim()))
                {
                    return found;
                }
            }
        }

        return found;

        // False once the cap is reached.
        bool TryAdd(string candidate)
        {
            if (IsWebLink(candidate) && seen.Add(candidate))
            {
                found.Add(candidate);
            }

            return found.Count < max;
        }
    }

    /// <summary>An absolute http or https URL with a host, not longer than <see cref="MaxLinkLength"/>.</summary>
    public static bool IsWebLink(string candidate) =>
        candidate.Length <= MaxLinkLength &&
        Uri.TryCreate(candidate, UriKind.Absolute, out var uri) &&
        (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) &&
        !string.IsNullOrEmpty(uri.Host);

    /// <summary>Drops what prose puts after a link: sentence punctuation, and closing brackets it did not open.</summary>
    private static string Trim(string link)
    {
        var end = link.Length;
        while (end > 0)
        {
            var last = link[end - 1];
            if (TrailingPunctuation.Contains(last, StringComparison.Ordinal) ||
                (last is ')' or ']' or '}' && Unbalanced(link.AsSpan(0, end), last)))
            {
                end--;
            }
            else
            {
                break;
            }
        }

        return link[..end];
    }

    private static bool Unbalanced(ReadOnlySpan<char> text, char closing)
    {
        var opening = closing switch { ')' => '(', ']' => '[', _ => '{' };
        return text.Count(closing) > text.Count(opening);
    }
}
