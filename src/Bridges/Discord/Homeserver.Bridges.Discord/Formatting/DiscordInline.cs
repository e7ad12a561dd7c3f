using System.Text;

namespace Homeserver.Bridges.Discord.Formatting;

/// <summary>One line of Discord markdown to HTML: emphasis, spoilers, inline code, links, mentions, custom emoji.</summary>
internal static class DiscordInline
{
    private const string Escapable = "\\*_~`|<>[]()#@:-";

    public static void Render(string text, DiscordMentionResolver resolver, StringBuilder html)
    {
        var i = 0;
        while (i < text.Length)
        {
            i = RenderAt(text, i, resolver, html);
        }
    }

    private static int RenderAt(string text, int i, DiscordMentionResolver resolver, StringBuilder html)
    {
        var c = text[i];
        if (c == '\\' && i + 1 < text.Length && Escapable.Contains(text[i + 1], StringComparison.Ordinal))
        {
            html.Append(HtmlText.Escape(text[i + 1].ToString()));
            return i + 2;
        }

        if (c == '`')
        {
            var run = RunLength(text, i, '`');
            var close = text.IndexOf(new string('`', run), i + run, StringComparison.Ordinal);
            if (close > i + run)
            {
                var code = text[(i + run)..close];
                if (run > 1 && code.Length > 2 && code[0] == ' ' && code[^1] == ' ')
                {
                    code = code[1..^1];
                }

                html.Append("<code>").Append(HtmlText.Escape(code)).Append("</code>");
                return close + run;
            }

            html.Append(text, i, run);
            return i + run;
        }

        foreach (var (delimiter, open, closeTag) in Pairs)
        {
            if (string.CompareOrdinal(text, i, delimiter, 0, delimiter.Length) == 0 &&
                FindClose(text, i + delimiter.Length, delimiter) is var end && end > i + delimiter.Length)
            {
                html.Append(open);
                Render(text[(i + delimiter.Length)..end], resolver, html);
                html.Append(closeTag);
                return end + delimiter.Length;
            }
        }

        if (c is '*' or '_' && FindSingleClose(text, i) is var single && single > i + 1 && !char.IsWhiteSpace(text[i + 1]))
        {
            html.Append("<em>");
            Render(text[(i + 1)..single], resolver, html);
            html.Append("</em>");
            return single + 1;
        }

        if (c == '<' && DiscordMarkdown.MentionOrEmoji().Match(text, i) is { Success: true } mention && mention.Index == i)
        {
            AppendMention(mention, resolver, html);
            return i + mention.Length;
        }

        if (c == '<' && TryAutolink(text, i + 1, out var bracketed) && i + 1 + bracketed.Length < text.Length &&
            text[i + 1 + bracketed.Length] == '>')
        {
            AppendLink(bracketed, bracketed, resolver, html);
            return i + bracketed.Length + 2;
        }

        if (c == '[' && TryMaskedLink(text, i, out var label, out var target, out var length))
        {
            AppendLink(target, label, resolver, html);
            return i + length;
        }

        if ((i == 0 || !char.IsAsciiLetterOrDigit(text[i - 1])) && TryAutolink(text, i, out var url))
        {
            AppendLink(url, url, resolver, html);
            return i + url.Length;
        }

        html.Append(HtmlText.Escape(c.ToString()));
        return i + 1;
    }

    private static readonly (string Delimiter, string Open, string Close)[] Pairs =
    [
        ("||", "<span data-mx-spoiler>", "</span>"),
        ("**", "<strong>", "</strong>"),
        ("__", "<u>", "</u>"),
        ("~~", "<del>", "</del>"),
    ];

    private static int RunLength(string text, int i, char c)
    {
        var end = i;
        while (end < text.Length && text[end] == c)
        {
            end++;
        }

        return end - i;
    }

    // The closing delimiter; in a longer run of the same character ("***") the last two close.
    private static int FindClose(string text, int from, string delimiter)
    {
        var close = text.IndexOf(delimiter, from, StringComparison.Ordinal);
        if (close < 0)
        {
            return -1;
        }

        while (close + delimiter.Length < text.Length && text[close + delimiter.Length] == delimiter[0])
        {
            close++;
        }

        return close;
    }

    // A single * or _ closes italics when it is not part of a double one; _ must end a word.
    private static int FindSingleClose(string text, int open)
    {
        var c = text[open];
        for (var j = open + 1; j < text.Length; j++)
        {
            if (text[j] == '\\')
            {
                j++;
                continue;
            }

            if (text[j] != c)
            {
                continue;
            }

            var run = RunLength(text, j, c);
            if (run >= 2)
            {
                j += run - 1;
                continue;
            }

            if (!char.IsWhiteSpace(text[j - 1]) && (c == '*' || j + 1 == text.Length || !char.IsLetterOrDigit(text[j + 1])))
            {
                return j;
            }
        }

        return -1;
    }

    private static bool TryAutolink(string text, int i, out string url)
    {
        url = "";
        if (string.CompareOrdinal(text, i, "https://", 0, 8) != 0 && string.CompareOrdinal(text, i, "http://", 0, 7) != 0)
        {
            return false;
        }

        var end = i;
        while (end < text.Length && !char.IsWhiteSpace(text[end]) && text[end] is not ('<' or '>' or '"'))
        {
            end++;
        }

        while (end > i && text[end - 1] is '.' or ',' or ':' or ';' or '!' or '?' or ')' or '\'')
        {
            end--;
        }

        url = text[i..end];
        return Uri.TryCreate(url, UriKind.Absolute, out var parsed) && parsed.Host.Length > 0;
    }

    private static bool TryMaskedLink(string text, int i, out string label, out string target, out int length)
    {
        label = target = "";
        length = 0;
        var closeLabel = text.IndexOf("](", i + 1, StringComparison.Ordinal);
        if (closeLabel <= i + 1 || !TryAutolink(text, closeLabel + 2, out target))
        {
            return false;
        }

        var closeTarget = closeLabel + 2 + target.Length;
        if (closeTarget >= text.Length || text[closeTarget] != ')')
        {
            return false;
        }

        label = text[(i + 1)..closeLabel];
        length = closeTarget + 1 - i;
        return true;
    }

    private static void AppendLink(string url, string label, DiscordMentionResolver resolver, StringBuilder html)
    {
        html.Append("<a href=\"").Append(HtmlText.Escape(url)).Append("\">");
        if (label == url)
        {
            html.Append(HtmlText.Escape(label));
        }
        else
        {
            Render(label, resolver, html);
        }

        html.Append("</a>");
    }

    private static void AppendMention(System.Text.RegularExpressions.Match mention, DiscordMentionResolver resolver, StringBuilder html)
    {
        var id = mention.Groups["id"].Value;
        switch (mention.Groups["kind"].Value)
        {
            case "@" or "@!":
                if (resolver.User(id) is { } user)
                {
                    html.Append("<a href=\"https://matrix.to/#/").Append(HtmlText.Escape(user.MatrixUserId))
                        .Append("\">").Append(HtmlText.Escape(user.DisplayName)).Append("</a>");
                }
                else
                {
                    html.Append('@').Append(id);
                }

                break;
            case "@&":
                html.Append("<strong>@").Append(HtmlText.Escape(resolver.Role(id) ?? "deleted-role")).Append("</strong>");
                break;
            case "#":
                var channel = resolver.Channel(id);
                var name = HtmlText.Escape("#" + (channel?.Name ?? "deleted-channel"));
                if (channel?.MatrixRoomId is { } roomId)
                {
                    html.Append("<a href=\"https://matrix.to/#/").Append(HtmlText.Escape(roomId)).Append("\">")
                        .Append(name).Append("</a>");
                }
                else
                {
                    html.Append(name);
                }

                break;
            default:
                var shortcode = HtmlText.Escape($":{mention.Groups["name"].Value}:");
                if (resolver.EmojiImage?.Invoke(id) is { } mxc)
                {
                    html.Append("<img data-mx-emoticon src=\"").Append(HtmlText.Escape(mxc)).Append("\" alt=\"").Append(shortcode)
                        .Append("\" title=\"").Append(shortcode).Append("\" height=\"32\">");
                }
                else
                {
                    html.Append(shortcode);
                }

                break;
        }
    }
}
