using System.Collections.Frozen;
using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Homeserver.Services.Media.UrlPreview;

namespace Homeserver.Services.Live.Webhooks;

/// <summary>
/// Reduces HTML to what the Client-Server API recommends for <c>formatted_body</c> (m.room.message, "HTML"): its tags
/// with their permitted attributes, <c>href</c> only with its schemes, <c>img</c> only from <c>mxc://</c>, colours only
/// as <c>#rrggbb</c>, code classes only <c>language-*</c>. Other elements are unwrapped (their content kept), except
/// those whose content is code or not text (<c>script</c>, <c>style</c>, ...), which go with their content; comments
/// go. The output is written here, every text and attribute escaped, never AngleSharp's serialisation of the input.
/// </summary>
public static partial class MatrixHtmlSanitizer
{
    /// <summary>Elements nested deeper than this are flattened to their escaped text (the spec suggests clients
    /// limit nesting to 100).</summary>
    public const int MaxDepth = 100;

    private static readonly FrozenDictionary<string, FrozenSet<string>> Allowed = new Dictionary<string, string[]>
    {
        ["font"] = ["data-mx-bg-color", "data-mx-color", "color"],
        ["span"] = ["data-mx-bg-color", "data-mx-color", "data-mx-spoiler", "data-mx-maths"],
        ["a"] = ["target", "href"],
        ["img"] = ["width", "height", "alt", "title", "src"],
        ["ol"] = ["start"],
        ["code"] = ["class"],
        ["div"] = ["data-mx-maths"],
        ["del"] = [], ["h1"] = [], ["h2"] = [], ["h3"] = [], ["h4"] = [], ["h5"] = [], ["h6"] = [],
        ["blockquote"] = [], ["p"] = [], ["ul"] = [], ["sup"] = [], ["sub"] = [], ["li"] = [], ["b"] = [],
        ["i"] = [], ["u"] = [], ["strong"] = [], ["em"] = [], ["s"] = [], ["hr"] = [], ["br"] = [],
        ["table"] = [], ["thead"] = [], ["tbody"] = [], ["tr"] = [], ["th"] = [], ["td"] = [], ["caption"] = [],
        ["pre"] = [], ["details"] = [], ["summary"] = [],
    }.ToFrozenDictionary(e => e.Key, e => e.Value.ToFrozenSet(StringComparer.Ordinal), StringComparer.Ordinal);

    private static readonly FrozenSet<string> DroppedWithContent = new[]
    {
        "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "noscript", "noembed",
        "noframes", "template", "textarea", "select", "option", "title", "head", "svg", "math", "xmp", "plaintext",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> VoidElements = new[] { "br", "hr", "img" }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> LinkSchemes =
        new[] { "http", "https", "ftp", "mailto", "magnet" }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    public static string Sanitize(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        var parser = new HtmlParser(new HtmlParserOptions { IsScripting = false });
        using var document = parser.ParseDocument("<!DOCTYPE html><html><head></head><body>" +
                                                  HtmlDepthGuard.Limit(html));
        var output = new StringBuilder(html.Length);
        if (document.Body is { } body)
        {
            WriteChildren(body, output, 0);
        }

        return output.ToString();
    }

    private static void WriteChildren(INode parent, StringBuilder output, int depth)
    {
        foreach (var child in parent.ChildNodes)
        {
            switch (child)
            {
                case IText text:
                    WriteEscaped(text.Data, output, attribute: false);
                    break;
                case IElement element:
                    WriteElement(element, output, depth);
                    break;
            }
        }
    }

    private static void WriteElement(IElement element, StringBuilder output, int depth)
    {
        var tag = element.LocalName;
        if (DroppedWithContent.Contains(tag) || element.NamespaceUri != AngleSharp.Dom.NamespaceNames.HtmlUri)
        {
            return;
        }

        if (depth >= MaxDepth)
        {
            WriteEscaped(element.TextContent, output, attribute: false);
            return;
        }

        if (!Allowed.TryGetValue(tag, out var attributes))
        {
            WriteChildren(element, output, depth);
            return;
        }

        var kept = KeptAttributes(element, tag, attributes);
        if (tag == "img" && !kept.Any(a => a.Name == "src"))
        {
            return; // an image from anywhere but the content repository would leak the reader's address
        }

        output.Append('<').Append(tag);
        foreach (var (name, value) in kept)
        {
            output.Append(' ').Append(name).Append("=\"");
            WriteEscaped(value, output, attribute: true);
            output.Append('"');
        }

        output.Append('>');
        if (VoidElements.Contains(tag))
        {
            return;
        }

        WriteChildren(element, output, depth + 1);
        output.Append("</").Append(tag).Append('>');
    }

    private static List<(string Name, string Value)> KeptAttributes(IElement element, string tag,
        FrozenSet<string> allowed)
    {
        var kept = new List<(string, string)>();
        foreach (var attribute in element.Attributes)
        {
            var name = attribute.Name;
            if (allowed.Contains(name) && Acceptable(tag, name, attribute.Value) is { } value)
            {
                kept.Add((name, value));
            }
        }

        return kept;
    }

    /// <summary>The attribute's value as kept, or null to drop it.</summary>
    private static string? Acceptable(string tag, string name, string value) => (tag, name) switch
    {
        (_, "color" or "data-mx-color" or "data-mx-bg-color") => HexColour().IsMatch(value) ? value : null,
        ("a", "href") => Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) && LinkSchemes.Contains(uri.Scheme)
            ? value.Trim()
            : null,
        ("a", "target") => value == "_blank" ? value : null,
        ("img", "src") => MxcUri().IsMatch(value) ? value : null,
        ("img", "width" or "height") => SmallNumber().IsMatch(value) ? value : null,
        ("ol", "start") => SmallNumber().IsMatch(value) ? value : null,
        ("code", "class") => LanguageClasses(value),
        _ => value,
    };

    private static string? LanguageClasses(string value)
    {
        var classes = value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(c => c.StartsWith("language-", StringComparison.Ordinal) && LanguageClass().IsMatch(c)).ToList();
        return classes.Count == 0 ? null : string.Join(' ', classes);
    }

    private static void WriteEscaped(string text, StringBuilder output, bool attribute)
    {
        foreach (var c in text)
        {
            _ = c switch
            {
                '&' => output.Append("&amp;"),
                '<' => output.Append("&lt;"),
                '>' => output.Append("&gt;"),
                '"' when attribute => output.Append("&quot;"),
                _ => output.Append(c),
            };
        }
    }

    [GeneratedRegex("^#[0-9A-Fa-f]{6}$")]
    private static partial Regex HexColour();

    [GeneratedRegex("^mxc://[A-Za-z0-9.:\\[\\]-]+/[A-Za-z0-9_-]+$")]
    private static partial Regex MxcUri();

    [GeneratedRegex("^[0-9]{1,6}$")]
    private static partial Regex SmallNumber();

    [GeneratedRegex("^language-[A-Za-z0-9_+#.-]+$")]
    private static partial Regex LanguageClass();
}
