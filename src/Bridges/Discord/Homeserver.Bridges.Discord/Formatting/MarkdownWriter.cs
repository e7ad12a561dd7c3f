using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;

namespace Homeserver.Bridges.Discord.Formatting;

/// <summary>Writes sanitised Matrix HTML nodes as Discord markdown (see <see cref="MatrixHtml"/>).</summary>
internal sealed partial class MarkdownWriter(StringBuilder output, Func<string, string?> discordUserIdOf, Func<string, string?>? emojiOf = null)
{
    private const string MatrixTo = "https://matrix.to/#/";

    public void Write(INode node)
    {
        switch (node)
        {
            case IText text:
                WriteText(text.Data);
                break;
            case IElement element:
                WriteElement(element);
                break;
        }
    }

    private void WriteText(string data)
    {
        var text = Whitespace().Replace(data, " ");
        if (output.Length == 0 || output[^1] == '\n')
        {
            text = text.TrimStart(' ');
        }

        output.Append(MatrixHtml.EscapeMarkdown(text));
    }

    private void WriteElement(IElement element)
    {
        var tag = element.LocalName;
        if (MatrixHtml.IsDropped(tag))
        {
            return;
        }

        if (!MatrixHtml.IsAllowed(tag))
        {
            WriteChildren(element);
            return;
        }

        switch (tag)
        {
            case "b" or "strong":
                Wrap(element, "**");
                break;
            case "i" or "em":
                Wrap(element, "*");
                break;
            case "u":
                Wrap(element, "__");
                break;
            case "del" or "s" or "strike":
                Wrap(element, "~~");
                break;
            case "span" when element.HasAttribute("data-mx-spoiler"):
                Wrap(element, "||");
                break;
            case "code":
                InlineCode(element.TextContent);
                break;
            case "pre":
                CodeBlock(element);
                break;
            case "a":
                Link(element);
                break;
            case "br":
                output.Append('\n');
                break;
            case "p":
                Block(Render(element), blankLine: true);
                break;
            case "div" or "tr" or "caption" or "summary" or "details" or "table" or "thead" or "tbody":
                Block(Render(element), blankLine: false);
                break;
            case "td" or "th":
                WriteChildren(element);
                output.Append(' ');
                break;
            case "h1" or "h2" or "h3":
                Block(new string('#', tag[1] - '0') + " " + Render(element).Replace('\n', ' '), blankLine: false);
                break;
            case "h4" or "h5" or "h6":
                Block("**" + Render(element).Replace('\n', ' ') + "**", blankLine: false);
                break;
            case "blockquote":
                Block(Prefix(Render(element).Trim('\n'), "> ", "> "), blankLine: false);
                break;
            case "ul" or "ol":
                List(element, ordered: tag == "ol");
                break;
            case "hr":
                Block("───", blankLine: false);
                break;
            case "img" when element.HasAttribute("data-mx-emoticon") && element.GetAttribute("src") is { } src && emojiOf?.Invoke(src) is { } emoji:
                output.Append(emoji);
                break;
            case "img":
                WriteText(element.GetAttribute("alt") ?? element.GetAttribute("title") ?? "");
                break;
            default:
                WriteChildren(element);
                break;
        }
    }

    private void WriteChildren(IElement element)
    {
        foreach (var child in element.ChildNodes)
        {
            Write(child);
        }
    }

    private string Render(IElement element)
    {
        var inner = new StringBuilder();
        var writer = new MarkdownWriter(inner, discordUserIdOf, emojiOf);
        writer.WriteChildren(element);
        return inner.ToString();
    }

    private void Wrap(IElement element, string delimiter)
    {
        var inner = Render(element);
        if (inner.Trim().Length == 0)
        {
            output.Append(inner);
            return;
        }

        // Delimiters hug the text: "** x **" would not render, so spaces go outside.
        var leading = inner[..(inner.Length - inner.TrimStart().Length)];
        var trailing = inner[inner.TrimEnd().Length..];
        output.Append(leading).Append(delimiter).Append(inner.Trim()).Append(delimiter).Append(trailing);
    }

    private void InlineCode(string code)
    {
        code = code.Replace('\n', ' ');
        if (!code.Contains('`', StringComparison.Ordinal))
        {
            output.Append('`').Append(code).Append('`');
        }
        else
        {
            output.Append("`` ").Append(code.Replace("``", "`\u200B`", StringComparison.Ordinal)).Append(" ``");
        }
    }

    private void CodeBlock(IElement pre)
    {
        var code = pre.QuerySelector("code");
        var language = code?.ClassList.FirstOrDefault(c => c.StartsWith("language-", StringComparison.Ordinal))?["language-".Length..] ?? "";
        if (!language.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '#' or '_' or '.'))
        {
            language = "";
        }

        var text = (code ?? pre).TextContent.Replace("```", "`\u200B``", StringComparison.Ordinal);
        Block("```" + language + "\n" + (text.EndsWith('\n') ? text : text + "\n") + "```", blankLine: false);
    }

    private void Link(IElement anchor)
    {
        var href = anchor.GetAttribute("href") ?? "";
        var label = Render(anchor);
        if (href.StartsWith(MatrixTo, StringComparison.OrdinalIgnoreCase))
        {
            var identifier = Uri.UnescapeDataString(href[MatrixTo.Length..].Split('?')[0].Split('/')[0]);
            if (identifier.StartsWith('@') && discordUserIdOf(identifier) is { } discordId && discordId.All(char.IsAsciiDigit))
            {
                output.Append("<@").Append(discordId).Append('>');
                return;
            }

            output.Append(label.Length > 0 ? label : MatrixHtml.EscapeMarkdown(identifier));
            return;
        }

        if (!Uri.TryCreate(href, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            output.Append(label);
            return;
        }

        var plainLabel = anchor.TextContent.Trim();
        if (plainLabel.Length == 0 || plainLabel == href)
        {
            output.Append(href.Replace(" ", "%20", StringComparison.Ordinal));
        }
        else
        {
            output.Append('[').Append(label.Replace("](", "]\u200B(", StringComparison.Ordinal)).Append("](")
                .Append(href.Replace(")", "%29", StringComparison.Ordinal).Replace(" ", "%20", StringComparison.Ordinal)).Append(')');
        }
    }

    private void List(IElement list, bool ordered)
    {
        var number = ordered && int.TryParse(list.GetAttribute("start"), NumberStyles.None, CultureInfo.InvariantCulture, out var start) ? start : 1;
        var items = new StringBuilder();
        foreach (var item in list.Children.Where(c => c.LocalName == "li"))
        {
            var marker = ordered ? $"{number++}. " : "- ";
            var content = Render(item).Trim('\n');
            items.Append(Prefix(content, marker, new string(' ', marker.Length))).Append('\n');
        }

        Block(items.ToString().TrimEnd('\n'), blankLine: false);
    }

    private static string Prefix(string text, string first, string rest)
    {
        var lines = text.Split('\n');
        return string.Join('\n', lines.Select((line, i) => (i == 0 ? first : rest) + line));
    }

    private void Block(string text, bool blankLine)
    {
        text = text.Trim('\n');
        if (text.Trim().Length == 0)
        {
            return;
        }

        if (output.Length > 0 && output[^1] != '\n')
        {
            output.Append('\n');
        }

        if (blankLine && output.Length > 0 && !EndsWithBlankLine())
        {
            output.Append('\n');
        }

        output.Append(text).Append('\n');
        if (blankLine)
        {
            output.Append('\n');
        }
    }

    private bool EndsWithBlankLine() => output.Length >= 2 && output[^1] == '\n' && output[^2] == '\n';

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
