using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Html.Parser;

namespace Homeserver.Bridges.Discord.Formatting;

/// <summary>
/// Matrix message text to Discord markdown. HTML (<c>formatted_body</c>) is sanitised on the way: only the tags the
/// spec allows carry formatting, anything else gives just its text, and <c>mx-reply</c>, <c>script</c> and
/// <c>style</c> give nothing. User pills (<c>https://matrix.to/#/@user:server</c>) become Discord mentions when the
/// resolver knows a Discord ID for the user, else their text. Text is escaped so Matrix words never turn into
/// Discord formatting, and <c>@everyone</c>/<c>@here</c> never ping.
/// </summary>
public static partial class MatrixHtml
{
    private static readonly HashSet<string> Allowed = new(StringComparer.OrdinalIgnoreCase)
    {
        "font", "del", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "p", "a", "ul", "ol", "sup", "sub", "li", "b", "i",
        "u", "strong", "em", "s", "strike", "code", "hr", "br", "div", "table", "thead", "tbody", "tr", "th", "td",
        "caption", "pre", "span", "img", "details", "summary",
    };

    private static readonly HashSet<string> Dropped = new(StringComparer.OrdinalIgnoreCase)
    {
        "mx-reply", "script", "style", "head", "title", "template", "iframe", "object", "svg", "math",
    };

    private static readonly HtmlParser Parser = new();

    /// <summary>
    /// Discord content for a Matrix message: from <paramref name="html"/> when the format is HTML, else the plain
    /// <paramref name="body"/> escaped. <paramref name="discordUserIdOf"/> maps a Matrix user ID to a Discord user ID
    /// (our ghosts, puppets), or null; <paramref name="emojiOf"/> gives the Discord form (<c>&lt;:name:id&gt;</c>) of a
    /// custom emoji's image by its mxc URI, for <c>&lt;img data-mx-emoticon&gt;</c>, or null (then its alt text goes).
    /// </summary>
    public static string Convert(string? body, string? format, string? html, Func<string, string?> discordUserIdOf,
        Func<string, string?>? emojiOf = null)
    {
        ArgumentNullException.ThrowIfNull(discordUserIdOf);
        if (format == MatrixText.HtmlFormat && html is not null)
        {
            return FromHtml(html, discordUserIdOf, emojiOf);
        }

        return Tidy(EscapeMarkdown(body ?? ""));
    }

    public static string FromHtml(string html, Func<string, string?> discordUserIdOf, Func<string, string?>? emojiOf = null)
    {
        ArgumentNullException.ThrowIfNull(discordUserIdOf);
        var document = Parser.ParseDocument("<!DOCTYPE html><html><body></body></html>");
        var nodes = Parser.ParseFragment(html ?? "", document.Body!);
        var output = new StringBuilder();
        var writer = new MarkdownWriter(output, discordUserIdOf, emojiOf);
        foreach (var node in nodes)
        {
            writer.Write(node);
        }

        return Tidy(output.ToString());
    }

    /// <summary>Backslash-escapes what Discord would read as formatting, and breaks mass mentions.</summary>
    public static string EscapeMarkdown(string text)
    {
        var escaped = MarkdownSpecial().Replace(text ?? "", @"\$0");
        escaped = LineStartSpecial().Replace(escaped, m => char.IsAsciiDigit(m.Value[0]) ? m.Value[..^2] + "\\. " : "\\" + m.Value);
        return MassMention().Replace(escaped, "@\u200B$1");
    }

    private static string Tidy(string text) => ExtraBlankLines().Replace(text.Replace("\r\n", "\n", StringComparison.Ordinal), "\n\n").Trim('\n', ' ');

    internal static bool IsAllowed(string tag) => Allowed.Contains(tag);

    internal static bool IsDropped(string tag) => Dropped.Contains(tag);

    [GeneratedRegex(@"[\\*_~`|<>\[\]]")]
    private static partial Regex MarkdownSpecial();

    [GeneratedRegex(@"(?m)^(?:#{1,3} |-# |- |\d+\. )")]
    private static partial Regex LineStartSpecial();

    [GeneratedRegex("@(everyone|here)")]
    private static partial Regex MassMention();

    [GeneratedRegex(@"\n{3,}")]
    private static partial Regex ExtraBlankLines();
}
