namespace Homeserver.Core.Identifiers;

/// <summary>
/// A room ID: <c>!opaque:domain</c> in room versions 1 to 11, or <c>!hash</c> (URL-safe unpadded base64
/// of the create event's reference hash, no domain) from room version 12.
/// </summary>
public readonly record struct RoomId
{
    private RoomId(string value, string opaqueId, ServerName? domain)
    {
        Value = value;
        OpaqueId = opaqueId;
        Domain = domain;
    }

    public string Value { get; }

    public string OpaqueId { get; }

    /// <summary>The creating server, absent for room version 12 room IDs.</summary>
    public ServerName? Domain { get; }

    public override string ToString() => Value;

    public static RoomId Parse(string text) =>
        TryParse(text, out var id, out var error) ? id : throw new FormatException(error);

    public static bool TryParse(string? text, out RoomId roomId, out string error)
    {
        roomId = default;
        if (!IdentifierParsing.TryCheckSigilAndLength(text, '!', "room ID", out error))
        {
            return false;
        }

        if (!text!.Contains(':', StringComparison.Ordinal))
        {
            return TryParseHashForm(text, out roomId, out error);
        }

        if (!IdentifierParsing.TrySplitDomain(text, "room ID", out var opaque, out var domain, out error))
        {
            return false;
        }

        if (opaque.Length == 0)
        {
            error = "a room ID must have an opaque part before ':'";
            return false;
        }

        roomId = new RoomId(text, opaque, domain);
        return true;
    }

    /// <summary>The room ID of a version 12 room: its create event's ID with '!' for '$'.</summary>
    public static RoomId FromCreateEventId(EventId createEventId) =>
        Parse("!" + createEventId.Value[1..]);

    /// <summary>The create event ID a version 12 room ID stands for.</summary>
    public EventId ToCreateEventId() => EventId.Parse("$" + Value[1..]);

    private static bool TryParseHashForm(string text, out RoomId roomId, out string error)
    {
        roomId = default;
        var hash = text[1..];
        if (!EventId.IsUrlSafeHash(hash))
        {
            error = "a room ID without a server name must be a URL-safe base64 SHA-256 hash (43 characters)";
            return false;
        }

        roomId = new RoomId(text, hash, null);
        error = "";
        return true;
    }
}
