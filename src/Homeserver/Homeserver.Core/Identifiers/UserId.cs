namespace Homeserver.Core.Identifiers;

/// <summary>
/// A user ID <c>@localpart:domain</c>. Parsing accepts the spec's historical localparts (any code point
/// but ':' and NUL, even empty) because servers MUST accept them in events; <see cref="IsCompliant"/>
/// tells whether the localpart also follows the current grammar (<c>[a-z0-9._=\-/+]+</c>).
/// </summary>
public readonly record struct UserId
{
    private UserId(string value, string localpart, ServerName domain)
    {
        Value = value;
        Localpart = localpart;
        Domain = domain;
    }

    public string Value { get; }

    public string Localpart { get; }

    public ServerName Domain { get; }

    /// <summary>True when the localpart follows the current grammar rather than only the historical one.</summary>
    public bool IsCompliant => IsValidLocalpart(Localpart);

    public override string ToString() => Value;

    public static UserId Parse(string text) =>
        TryParse(text, out var id, out var error) ? id : throw new FormatException(error);

    public static bool TryParse(string? text, out UserId userId, out string error)
    {
        userId = default;
        if (!IdentifierParsing.TryCheckSigilAndLength(text, '@', "user ID", out error) ||
            !IdentifierParsing.TrySplitDomain(text!, "user ID", out var localpart, out var domain, out error))
        {
            return false;
        }

        userId = new UserId(text!, localpart, domain);
        return true;
    }

    /// <summary>Parses only IDs whose localpart follows the current grammar (what a server may create).</summary>
    public static bool TryParseCompliant(string? text, out UserId userId, out string error)
    {
        if (!TryParse(text, out userId, out error))
        {
            return false;
        }

        if (!userId.IsCompliant)
        {
            error = "a user ID localpart may only contain a-z, 0-9, '.', '_', '=', '-', '/' and '+'";
            userId = default;
            return false;
        }

        return true;
    }

    public static bool IsValidLocalpart(string localpart) =>
        localpart.Length > 0 && localpart.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c) ||
                                                    c is '.' or '_' or '=' or '-' or '/' or '+');

    /// <summary>Builds <c>@localpart:domain</c> after checking the current grammar and the 255-byte limit.</summary>
    public static bool TryCreate(string localpart, ServerName domain, out UserId userId, out string error)
    {
        ArgumentNullException.ThrowIfNull(localpart);
        return TryParseCompliant($"@{localpart}:{domain.Value}", out userId, out error);
    }
}
