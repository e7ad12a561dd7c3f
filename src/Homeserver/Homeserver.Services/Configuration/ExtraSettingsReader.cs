using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Configuration;

/// <summary>The settings of TURN (<c>Voip:*</c>) and of <c>/.well-known/matrix/support</c>, read for <see cref="SettingsReader"/>.</summary>
internal static class ExtraSettingsReader
{
    public static VoipSettings ReadVoip(SettingsReader.ValueReader reader)
    {
        var uris = reader.Parse<IReadOnlyList<string>>("Voip:TurnUris", ParseTurnUris);
        var secret = reader.Parse("Voip:TurnSharedSecret", Optional);
        var username = reader.Parse("Voip:TurnUsername", Optional);
        var password = reader.Parse("Voip:TurnPassword", Optional);
        var lifetime = reader.Parse("Voip:TurnUserLifetimeSeconds", text => SettingsReader.ParseInteger(text, 1, 31_536_000));
        var guests = reader.Parse("Voip:TurnAllowGuests", SettingsReader.ParseBool);
        return new VoipSettings(uris, secret, username, password, TimeSpan.FromSeconds(lifetime), guests);
    }

    public static SupportSettings? ReadSupport(SettingsReader.ValueReader reader)
    {
        var matrixId = reader.Parse("WellKnown:SupportAdminMatrixId", text =>
            text.Length == 0 ? (null, null)
            : UserId.TryParse(text, out _, out _) ? (text, null)
            : ((string?)null, $"'{text}' is not a Matrix user ID"));
        var email = reader.Parse("WellKnown:SupportAdminEmail", text =>
            text.Length == 0 ? (null, null)
            : text.Contains('@', StringComparison.Ordinal) && !text.Any(char.IsWhiteSpace) ? (text, null)
            : ((string?)null, $"'{text}' is not an e-mail address"));
        var page = reader.Parse("WellKnown:SupportPage", SettingsReader.ParseOptionalHttpUrl);
        return matrixId is null && email is null && page is null ? null : new SupportSettings(matrixId, email, page);
    }

    public static LiveSettings ReadLive(SettingsReader.ValueReader reader, string workingDirectory)
    {
        var defaultRoom = reader.Parse("Live:DefaultRoom", text =>
            text.Length == 0 ? (null, null)
            : (text[0] == '#' && AliasOk(text)) || (text[0] == '!' && RoomId.TryParse(text, out _, out _)) ? (text, null)
            : ((string?)null, $"'{text}' is neither a room alias (#name:server) nor a room ID (!id:server)"));
        var directory = reader.Parse("Live:ClientDirectory", text =>
            (text.Length == 0 ? "" : Path.GetFullPath(text, workingDirectory), (string?)null));
        var rate = reader.Parse("Live:WebhookPostsPerSecond", text => SettingsReader.ParseInteger(text, 1, 1000));
        var burst = reader.Parse("Live:WebhookPostBurst", text => SettingsReader.ParseInteger(text, 1, 10_000));
        return new LiveSettings(defaultRoom, directory, new RateLimit(rate, burst));
    }

    private static bool AliasOk(string text) => RoomAlias.TryParse(text, out _, out _);

    private static (string?, string?) Optional(string text) => (text.Length == 0 ? null : text, null);

    private static (IReadOnlyList<string>, string?) ParseTurnUris(string text)
    {
        var uris = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var bad = uris.FirstOrDefault(u =>
            !u.StartsWith("turn:", StringComparison.Ordinal) && !u.StartsWith("turns:", StringComparison.Ordinal));
        return bad is null
            ? (uris, null)
            : ([], $"'{bad}' is not a turn: or turns: URI (a comma-separated list is expected)");
    }
}
