using System.Globalization;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace Homeserver.Services.Media.UrlPreview;

/// <summary>
/// Reads OpenGraph data out of an HTML page (AngleSharp), with Synapse's fallbacks: <c>og:</c>, <c>article:</c> and
/// <c>profile:</c> meta properties as they are; <c>twitter:</c> cards where OpenGraph says nothing
/// (<c>twitter:site</c> as <c>og:site_name</c>); a missing title from the first <c>title</c>, <c>h1</c>, <c>h2</c> or
/// <c>h3</c>; a missing image from <c>itemprop=image</c>, else the largest <c>img</c> over 10×10, else the first
/// <c>img</c>, else the icon; a missing description from <c>meta name=description</c>, else a summary of the body's
/// text (outside navigation, scripts and the like). Pages with more than <see cref="MaxTagsPerPrefix"/> tags of one
/// prefix have those tags ignored; elements nested deeper than <see cref="HtmlDepthGuard.MaxDepth"/> are cut off
/// first. The image URL is returned as written (relative or not); the caller resolves it.
/// </summary>
public static class OpenGraphParser
{
    public const int MaxTagsPerPrefix = 50;
    private const int MaxTextStack = 1024;

    private static readonly HashSet<string> SkippedForText = new(StringComparer.OrdinalIgnoreCase)
    {
        "header", "nav", "aside", "footer", "script", "noscript", "style", "svg", "iframe", "video", "canvas", "img",
        "picture", "template",
    };

    private static readonly HashSet<string> SkippedRoles = new(StringComparer.Ordinal)
    {
        "directory", "menu", "menubar", "toolbar",
    };

    /// <summary>The page's OpenGraph keys and values (strings); empty when the page has no content.</summary>
    public static Dictionary<string, string> Parse(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        var og = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(html.Trim('\ufffd')))
        {
            return og;
        }

        var parser = new HtmlParser(new HtmlParserOptions { IsScripting = false });
        using var document = parser.ParseDocument(HtmlDepthGuard.Limit(html));

        foreach (var prefix in (string[])["og", "article", "profile"])
        {
            foreach (var (key, value) in MetaTags(document, "property", prefix))
            {
                og[key] = value;
            }
        }

        foreach (var (key, value) in MetaTags(document, "name", "twitter"))
        {
            if (TwitterToOpenGraph(key) is { } mapped)
            {
                og.TryAdd(mapped, value);
            }
        }

        if (!og.ContainsKey("og:title") && Title(document) is { } title)
        {
            og["og:title"] = title;
        }

        if (!og.ContainsKey("og:image") && Image(document) is { } image)
        {
            og["og:image"] = image;
        }

        if (og.TryGetValue("og:description", out var description))
        {
            og["og:description"] = TextSummary.Summarize([description]) ?? description;
        }
        else if ((MetaNamed(document, "description") ??
                  (document.Body is { } body ? TextSummary.Summarize(BodyText(body)) : null)) is { } found)
        {
            og["og:description"] = found;
        }

        return og;
    }

    private static List<(string Key, string Value)> MetaTags(IDocument document, string attribute, string prefix)
    {
        var tags = new List<(string, string)>();
        foreach (var meta in document.GetElementsByTagName("meta"))
        {
            var key = meta.GetAttribute(attribute);
            var content = meta.GetAttribute("content");
            if (key is null || string.IsNullOrEmpty(content) ||
                !key.StartsWith(prefix + ":", StringComparison.Ordinal))
            {
                continue;
            }

            if (tags.Count >= MaxTagsPerPrefix)
            {
                return [];
            }

            tags.Add((key, content));
        }

        return tags;
    }

    private static string? TwitterToOpenGraph(string key) => key switch
    {
        "twitter:card" or "twitter:creator" => null,
        "twitter:site" => "og:site_name",
        _ => "og" + key["twitter".Length..],
    };

    private static string? Title(IDocument document)
    {
        foreach (var tag in (string[])["title", "h1", "h2", "h3"])
        {
            var elements = document.GetElementsByTagName(tag);
            var element = elements.Length > 0 ? elements[0] : null;
            var text = element?.ChildNodes.OfType<IText>().FirstOrDefault(t => t.Data.Trim().Length > 0)?.Data.Trim();
            if (!string.IsNullOrEmpty(text))
            {
                return text;
            }
        }

        return null;
    }

    private static string? Image(IDocument document)
    {
        var itemprop = document.GetElementsByTagName("meta").FirstOrDefault(m =>
            string.Equals(m.GetAttribute("itemprop"), "image", StringComparison.OrdinalIgnoreCase) &&
            !string.IsNullOrEmpty(m.GetAttribute("content")));
        if (itemprop is not null)
        {
            return itemprop.GetAttribute("content");
        }

        var images = document.GetElementsByTagName("img").Where(i => !string.IsNullOrEmpty(i.GetAttribute("src")))
            .ToList();
        var largest = images
            .Select(i => (Image: i, Width: Number(i.GetAttribute("width")), Height: Number(i.GetAttribute("height"))))
            .Where(i => i.Width > 10 && i.Height > 10)
            .OrderByDescending(i => i.Width * i.Height)
            .Select(i => i.Image)
            .FirstOrDefault() ?? images.FirstOrDefault();
        if (largest is not null)
        {
            return largest.GetAttribute("src");
        }

        return document.GetElementsByTagName("link")
            .FirstOrDefault(l => !string.IsNullOrEmpty(l.GetAttribute("href")) &&
                                 (l.GetAttribute("rel") ?? "").Contains("icon", StringComparison.Ordinal))
            ?.GetAttribute("href");
    }

    private static double Number(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : double.NaN;

    private static string? MetaNamed(IDocument document, string name) =>
        document.GetElementsByTagName("meta").FirstOrDefault(m =>
                string.Equals(m.GetAttribute("name"), name, StringComparison.OrdinalIgnoreCase) &&
                !string.IsNullOrEmpty(m.GetAttribute("content")))
            ?.GetAttribute("content");

    /// <summary>The body's text nodes in document order, depth first without recursion, each with its whitespace
    /// collapsed; lazily, so the summary stops the walk once it has enough.</summary>
    private static IEnumerable<string> BodyText(IElement body)
    {
        var stack = new Stack<INode>();
        stack.Push(body);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (node is IText text)
            {
                var collapsed = string.Join('\n', text.Data.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
                if (collapsed.Length > 0)
                {
                    yield return collapsed;
                }

                continue;
            }

            if (node is not IElement element || SkippedForText.Contains(element.LocalName) ||
                SkippedRoles.Contains(element.GetAttribute("role") ?? ""))
            {
                continue;
            }

            for (var child = element.LastChild; child is not null && stack.Count < MaxTextStack;
                 child = child.PreviousSibling)
            {
                stack.Push(child);
            }
        }
    }
}
