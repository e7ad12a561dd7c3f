namespace Homeserver.Core.Identifiers;

/// <summary>A room alias <c>#localpart:domain</c>; the localpart may hold any code point except ':' (and NUL).</summary>
public readonly record struct RoomAlias
{
    private RoomAlias(string value, string localpart, ServerName domain)
    {
        Value = value;
        Localpart = localpart;
        Domain = domain;
    }

    public string Value { get; }

    public string Localpart { get; }

    public ServerName Domain { get; }

    public override string ToString() => Value;

    public static RoomAlias Parse(string text) =>
        TryParse(text, out var alias, out var error) ? alias : throw new FormatException(error);

    public static bool TryParse(string? text, out RoomAlias alias, out string error)
    {
        alias = default;
        if (!IdentifierParsing.TryCheckSigilAndLength(text, '#', "room alias", out error) ||
            !IdentifierParsing.TrySplitDomain(text!, "room alias", out var localpart, out var domain, out error))
        {
            return false;
        }

        if (localpart.Length == 0)
        {
            error = "a room alias must have a localpart before ':'";
            return false;
        }

        alias = new RoomAlias(text!, localpart, domain);
        return true;
    }
}
