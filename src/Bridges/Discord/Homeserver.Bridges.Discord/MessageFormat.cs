using Homeserver.Bridges.Discord.Formatting;

namespace Homeserver.Bridges.Discord;

/// <summary>
/// Text conversion between Matrix messages and Discord content, in one place: Discord markdown becomes a plain body
/// and sanitised HTML (<see cref="DiscordMarkdown"/>), Matrix HTML or plain text becomes escaped Discord markdown
/// (<see cref="MatrixHtml"/>), mentions of bridged users both ways.
/// </summary>
public static class MessageFormat
{
    /// <summary>Discord's limit on a message's content.</summary>
    public const int MaxDiscordContent = 2000;

    /// <summary>Discord content for a Matrix message (an emote in italics), without a reply fallback;
    /// <paramref name="discordUserIdOf"/> names the Discord user behind a Matrix user (a ghost), or null;
    /// <paramref name="customEmoji"/> holds the Discord emoji of custom emoji images by mxc URI.</summary>
    public static string ToDiscord(string body, string? messageType, string? format, string? html,
        Func<string, string?> discordUserIdOf, IReadOnlyDictionary<string, DiscordCustomEmoji>? customEmoji = null)
    {
        var text = MatrixHtml.Convert(StripReplyFallback(body ?? ""), format, html, discordUserIdOf,
            mxc => customEmoji?.GetValueOrDefault(mxc)?.InlineForm);
        if (messageType == "m.emote" && text.Length > 0)
        {
            text = "_" + text + "_";
        }

        return text.Length <= MaxDiscordContent ? text : text[..(MaxDiscordContent - 1)] + "…";
    }

    /// <summary>The Matrix body and HTML body (null: nothing to format) for Discord content; <paramref name="user"/>
    /// names the Matrix user a Discord user mention points at; <paramref name="emojiImages"/> holds the mxc URIs of
    /// custom emoji images by emoji ID.</summary>
    public static (string Body, string? Html) ToMatrix(string? content, Func<string, MentionedUser?> user,
        IReadOnlyDictionary<string, string>? emojiImages = null)
    {
        var text = DiscordMarkdown.Convert(content, new DiscordMentionResolver(user, _ => null, _ => null,
            id => emojiImages?.GetValueOrDefault(id)));
        return (text.Body, text.Html);
    }

    /// <summary>Drops the <c>&gt; </c>-quoted lines a reply may start with (the fallback older clients add).</summary>
    public static string StripReplyFallback(string body)
    {
        if (!body.StartsWith("> ", StringComparison.Ordinal))
        {
            return body;
        }

        var lines = body.Split('\n');
        var index = 0;
        while (index < lines.Length && lines[index].StartsWith('>'))
        {
            index++;
        }

        if (index < lines.Length && lines[index].Length == 0)
        {
            index++;
        }

        return string.Join('\n', lines[index..]);
    }
}
