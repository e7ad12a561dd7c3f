using System.Text;
using System.Text.RegularExpressions;

namespace Homeserver.Services.Media.UrlPreview;

/// <summary>
/// URLs refused by configuration (<c>Media:UrlPreview:DeniedUrlPatterns</c>), a simpler form of Synapse's
/// <c>url_preview_url_blacklist</c>: a pattern starting with <c>^</c> is a regular expression matched against the whole
/// absolute URL (<c>^https?://[^/]*\.corp\.example/</c>); any other pattern is a glob matched against the host,
/// case-insensitively, where <c>*</c> is any run of characters and <c>?</c> one (<c>*.internal</c>,
/// <c>metadata.google.internal</c>). Every URL fetched is checked: the page, each redirect and the page's image.
/// </summary>
public sealed class UrlPreviewUrlPatterns
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);
    private readonly Regex[] _urlPatterns;
    private readonly Regex[] _hostPatterns;

    public UrlPreviewUrlPatterns(IEnumerable<string> patterns)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        var list = patterns.ToList();
        _urlPatterns = [.. list.Where(p => p.StartsWith('^')).Select(p => new Regex(p, RegexOptions.None, MatchTimeout))];
        _hostPatterns = [.. list.Where(p => !p.StartsWith('^')).Select(GlobToRegex)];
    }

    /// <summary>True when <paramref name="url"/> matches a pattern (a regex that takes too long counts as a match).</summary>
    public bool IsDenied(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        try
        {
            var host = url.IdnHost;
            return _hostPatterns.Any(p => p.IsMatch(host) || p.IsMatch(url.Host)) ||
                   _urlPatterns.Any(p => p.IsMatch(url.AbsoluteUri));
        }
        catch (RegexMatchTimeoutException)
        {
            return true;
        }
    }

    private static Regex GlobToRegex(string glob)
    {
        var pattern = new StringBuilder("^");
        foreach (var c in glob)
        {
            pattern.Append(c switch
            {
                '*' => ".*",
                '?' => ".",
                _ => Regex.Escape(c.ToString()),
            });
        }

        pattern.Append('$');
        return new Regex(pattern.ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, MatchTimeout);
    }
}
