namespace Homeserver.Core.Identifiers;

/// <summary>
/// An event ID: <c>$opaque:domain</c> in room versions 1 and 2, <c>$</c> + a base64 reference hash in
/// version 3 and URL-safe base64 from version 4. Parsing accepts every form; whether a form fits a
/// given room version is checked by the event format rules.
/// </summary>
public readonly record struct EventId
{
    /// <summary>A SHA-256 hash is 32 bytes, 43 characters of unpadded base64.</summary>
    public const int HashLength = 43;

    private EventId(string value, ServerName? domain)
    {
        Value = value;
        Domain = domain;
    }

    public string Value { get; }

    /// <summary>The server of a version 1/2 event ID, absent for hash-based IDs.</summary>
    public ServerName? Domain { get; }

    public override string ToString() => Value;

    public static EventId Parse(string text) =>
        TryParse(text, out var id, out var error) ? id : throw new FormatException(error);

    public static bool TryParse(string? text, out EventId eventId, out string error)
    {
        eventId = default;
        if (!IdentifierParsing.TryCheckSigilAndLength(text, '$', "event ID", out error))
        {
            return false;
        }

        if (text!.Length == 1)
        {
            error = "an event ID must have something after '$'";
            return false;
        }

        ServerName? domain = null;
        if (text.Contains(':', StringComparison.Ordinal))
        {
            if (!IdentifierParsing.TrySplitDomain(text, "event ID", out _, out var server, out error))
            {
                return false;
            }

            domain = server;
        }

        eventId = new EventId(text, domain);
        return true;
    }

    /// <summary>True when the ID is a version 3 (standard base64) reference hash.</summary>
    public bool IsStandardHash => Value.Length == HashLength + 1 && IsHash(Value.AsSpan(1), urlSafe: false);

    /// <summary>True when the ID is a version 4+ (URL-safe base64) reference hash.</summary>
    public bool IsUrlSafeHashId => Value.Length == HashLength + 1 && IsUrlSafeHash(Value[1..]);

    internal static bool IsUrlSafeHash(string text) => text.Length == HashLength && IsHash(text, urlSafe: true);

    private static bool IsHash(ReadOnlySpan<char> text, bool urlSafe)
    {
        foreach (var c in text)
        {
            var ok = char.IsAsciiLetterOrDigit(c) || (urlSafe ? c is '-' or '_' : c is '+' or '/');
            if (!ok)
            {
                return false;
            }
        }

        return text.Length == HashLength;
    }
}
