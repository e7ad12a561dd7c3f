using System.Globalization;
using System.Text;

namespace Homeserver.Bridges.Discord;

/// <summary>
/// A Matrix user's name as a webhook message's <c>username</c> Discord takes: 1 to 80 characters, none of "clyde" or
/// "discord" inside (any case; a zero-width joiner after the first letter breaks them up without changing how they
/// look), not exactly "everyone" or "here". A name that is empty (or only the user ID, when no display name is set)
/// becomes the user's localpart.
/// </summary>
public static class WebhookNames
{
    public const int MaxLength = 80;
    private const char Joiner = '\u200D';
    private static readonly string[] RefusedInside = ["clyde", "discord"];
    private static readonly string[] RefusedWhole = ["everyone", "here"];

    public static string For(string? displayName, string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        var name = (displayName ?? "").Trim();
        if (name.Length == 0 || name == userId)
        {
            name = Localpart(userId);
        }

        foreach (var word in RefusedInside)
        {
            name = BreakUp(name, word);
        }

        if (RefusedWhole.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            name = name[..1] + Joiner + name[1..];
        }

        return Truncate(name);
    }

    private static string Localpart(string userId)
    {
        var colon = userId.IndexOf(':', StringComparison.Ordinal);
        var localpart = userId.StartsWith('@') ? userId[1..(colon > 0 ? colon : userId.Length)] : userId;
        return localpart.Length == 0 ? "Matrix user" : localpart;
    }

    private static string BreakUp(string name, string word)
    {
        var builder = new StringBuilder();
        var position = 0;
        for (var found = name.IndexOf(word, StringComparison.OrdinalIgnoreCase); found >= 0;
             found = name.IndexOf(word, position, StringComparison.OrdinalIgnoreCase))
        {
            builder.Append(name, position, found - position).Append(name[found]).Append(Joiner).Append(name, found + 1, word.Length - 1);
            position = found + word.Length;
        }

        return builder.Append(name, position, name.Length - position).ToString();
    }

    /// <summary>At most <see cref="MaxLength"/> UTF-16 units, cut between whole characters (no half surrogate pair).</summary>
    private static string Truncate(string name)
    {
        if (name.Length <= MaxLength)
        {
            return name;
        }

        var cut = 0;
        var elements = StringInfo.GetTextElementEnumerator(name);
        while (elements.MoveNext() && elements.ElementIndex + elements.GetTextElement().Length <= MaxLength)
        {
            cut = elements.ElementIndex + elements.GetTextElement().Length;
        }

        return name[..cut].TrimEnd();
    }
}
