namespace Homeserver.Bridges.Discord;

/// <summary>
/// Text conversion between Matrix bodies and Discord content, in one place so Markdown &lt;-&gt; HTML can replace it:
/// for now Discord gets the plain <c>body</c> and Matrix gets Discord's <c>content</c> as <c>body</c> (no
/// <c>formatted_body</c>).
/// </summary>
public static class MessageFormat
{
    /// <summary>Discord's limit on a message's content.</summary>
    public const int MaxDiscordContent = 2000;

    /// <summary>Discord content for a Matrix message body (an emote in italics), without a reply fallback.</summary>
    public static string ToDiscord(string body, string? messageType)
    {
        var text = StripReplyFallback(body ?? "");
        if (messageType == "m.emote")
        {
            text = "_" + text + "_";
        }

        return text.Length <= MaxDiscordContent ? text : text[..(MaxDiscordContent - 1)] + "…";
    }

    /// <summary>The Matrix body and HTML body (null: none) for Discord content.</summary>
    public static (string Body, string? Html) ToMatrix(string? content) => (content ?? "", null);

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
