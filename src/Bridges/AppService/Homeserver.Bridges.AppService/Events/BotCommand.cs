namespace Homeserver.Bridges.AppService.Events;

/// <summary>
/// A command to a bridge bot in a room, e.g. <c>!discord link 1234</c>: the prefix, then a verb and its arguments
/// separated by whitespace. Only plain text and notices count; edits do not re-run commands.
/// </summary>
public sealed record BotCommand(string Verb, IReadOnlyList<string> Arguments)
{
    public static BotCommand? Parse(RoomMessageEvent message, string prefix)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        if (message.MessageType is not ("m.text" or "m.notice") || message.IsEdit)
        {
            return null;
        }

        var words = message.Body.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (words.Length == 0 || !string.Equals(words[0], prefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return words.Length == 1
            ? new BotCommand("help", [])
            : new BotCommand(words[1].ToLowerInvariant(), words[2..]);
    }
}
