namespace Homeserver.Core.Identifiers;

/// <summary>The parts of the common identifier format (<c>&amp;localpart:domain</c>) shared by every sigil.</summary>
internal static class IdentifierParsing
{
    /// <summary>User IDs, room IDs, room aliases and event IDs are all capped at 255 bytes of UTF-8.</summary>
    public const int MaxBytes = 255;

    public static bool TryCheckSigilAndLength(string? text, char sigil, string kind, out string error)
    {
        if (string.IsNullOrEmpty(text))
        {
            error = $"a {kind} cannot be empty";
            return false;
        }

        if (text[0] != sigil)
        {
            error = $"a {kind} must start with '{sigil}'";
            return false;
        }

        if (System.Text.Encoding.UTF8.GetByteCount(text) > MaxBytes)
        {
            error = $"a {kind} is at most {MaxBytes} bytes";
            return false;
        }

        if (text.Contains('\0', StringComparison.Ordinal))
        {
            error = $"a {kind} cannot contain NUL";
            return false;
        }

        if (HasLoneSurrogate(text))
        {
            error = $"a {kind} must be valid UTF-8";
            return false;
        }

        error = "";
        return true;
    }

    /// <summary>Splits <c>&amp;localpart:domain</c> at the first colon (localparts never contain one).</summary>
    public static bool TrySplitDomain(string text, string kind, out string localpart, out ServerName domain,
        out string error)
    {
        localpart = "";
        domain = default;
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            error = $"a {kind} must have a ':' before the server name";
            return false;
        }

        localpart = text[1..colon];
        if (!ServerName.TryParse(text[(colon + 1)..], out domain, out var serverError))
        {
            error = $"the server name of a {kind} is invalid: {serverError}";
            return false;
        }

        error = "";
        return true;
    }

    private static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }
}
