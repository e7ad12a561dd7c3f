using System.Text;
using System.Text.RegularExpressions;

namespace Homeserver.Bridges.Discord.Formatting;

/// <summary>
/// Discord markdown to Matrix text: <c>body</c> is the content with mentions and custom emoji written out as text,
/// <c>formatted_body</c> the HTML Matrix clients render (bold, italics, underline, strike, spoilers, inline code, code
/// blocks with their language, block quotes, links, mention pills; custom emoji as their image when the resolver knows
/// it, else <c>:name:</c>), or null when the
/// content has nothing to format. Pure: the resolver answers what mentions name.
/// </summary>
public static partial class DiscordMarkdown
{
    public static MatrixText Convert(string? content, DiscordMentionResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        content ??= "";
        var html = new StringBuilder();
        foreach (var block in SplitCodeBlocks(content))
        {
            if (block.IsCode)
            {
                var language = block.Language is { Length: > 0 } ? $" class=\"language-{HtmlText.Escape(block.Language)}\"" : "";
                html.Append("<pre><code").Append(language).Append('>').Append(HtmlText.Escape(block.Text)).Append("</code></pre>");
            }
            else
            {
                RenderLines(block.Text, resolver, html);
            }
        }

        var body = PlainBody(content, resolver);
        var rendered = html.ToString();
        var unformatted = HtmlText.Escape(body).Replace("\n", "<br>", StringComparison.Ordinal);
        return new MatrixText(body, rendered == unformatted ? null : rendered);
    }

    /// <summary>The content with mentions as <c>@name</c>/<c>#channel</c> and custom emoji as <c>:name:</c>.</summary>
    public static string PlainBody(string content, DiscordMentionResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        return MentionOrEmoji().Replace(content ?? "", match => match.Groups["kind"].Value switch
        {
            "@" or "@!" => "@" + (resolver.User(match.Groups["id"].Value)?.DisplayName ?? match.Groups["id"].Value),
            "@&" => "@" + (resolver.Role(match.Groups["id"].Value) ?? "deleted-role"),
            "#" => "#" + (resolver.Channel(match.Groups["id"].Value)?.Name ?? "deleted-channel"),
            _ => $":{match.Groups["name"].Value}:",
        });
    }

    [GeneratedRegex(@"<(?:(?<kind>@!|@&|@|#)(?<id>\d{1,20})|(?<kind>a?:)(?<name>\w{1,32}):(?<id>\d{1,20}))>")]
    internal static partial Regex MentionOrEmoji();

    private sealed record Block(bool IsCode, string Text, string? Language);

    private static List<Block> SplitCodeBlocks(string content)
    {
        var blocks = new List<Block>();
        var position = 0;
        while (position < content.Length)
        {
            var open = content.IndexOf("```", position, StringComparison.Ordinal);
            var close = open < 0 ? -1 : content.IndexOf("```", open + 3, StringComparison.Ordinal);
            if (close < 0)
            {
                blocks.Add(new Block(false, content[position..], null));
                break;
            }

            if (open > position)
            {
                blocks.Add(new Block(false, content[position..open].TrimEnd('\n'), null));
            }

            var inner = content[(open + 3)..close];
            var newline = inner.IndexOf('\n', StringComparison.Ordinal);
            string? language = null;
            if (newline > 0 && IsLanguage(inner[..newline]))
            {
                language = inner[..newline];
                inner = inner[(newline + 1)..];
            }
            else if (newline == 0)
            {
                inner = inner[1..];
            }

            blocks.Add(new Block(true, inner.EndsWith('\n') || inner.Length == 0 ? inner : inner + "\n", language));
            position = close + 3;
            if (position < content.Length && content[position] == '\n')
            {
                position++;
            }
        }

        return blocks;
    }

    private static bool IsLanguage(string word) =>
        word.Length <= 32 && word.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '#' or '_' or '.');

    // "> " quotes one line, ">>> " the rest of the block; other lines are joined with <br>.
    private static void RenderLines(string text, DiscordMentionResolver resolver, StringBuilder html)
    {
        var lines = text.Split('\n');
        var index = 0;
        var afterLine = false;
        while (index < lines.Length)
        {
            var line = lines[index];
            if (line.StartsWith(">>> ", StringComparison.Ordinal))
            {
                AppendQuote([line[4..], .. lines[(index + 1)..]], resolver, html);
                return;
            }

            if (line.StartsWith("> ", StringComparison.Ordinal))
            {
                var quoted = new List<string>();
                while (index < lines.Length && lines[index].StartsWith("> ", StringComparison.Ordinal))
                {
                    quoted.Add(lines[index][2..]);
                    index++;
                }

                AppendQuote(quoted, resolver, html);
                afterLine = false;
                continue;
            }

            if (afterLine)
            {
                html.Append("<br>");
            }

            DiscordInline.Render(line, resolver, html);
            afterLine = true;
            index++;
        }
    }

    private static void AppendQuote(List<string> lines, DiscordMentionResolver resolver, StringBuilder html)
    {
        html.Append("<blockquote>");
        for (var i = 0; i < lines.Count; i++)
        {
            if (i > 0)
            {
                html.Append("<br>");
            }

            DiscordInline.Render(lines[i], resolver, html);
        }

        html.Append("</blockquote>");
    }
}
