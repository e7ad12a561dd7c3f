using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Configuration;

/// <summary>
/// Server notices (<c>ServerNotices:*</c>, Synapse's <c>server_notices</c>): the local user that sends them
/// (<c>SystemMxidLocalpart</c>, <c>notices</c> by default; empty turns notices off), its display name in the notice
/// rooms, and the name of the room each user gets its notices in.
/// </summary>
public sealed record ServerNoticesSettings(string? SystemMxidLocalpart, string? SystemMxidDisplayName, string? RoomName)
{
    public static readonly ServerNoticesSettings Default = new("notices", null, "Server Notices");

    public bool Enabled => SystemMxidLocalpart is not null;

    internal static ServerNoticesSettings Read(SettingsReader.ValueReader reader)
    {
        var localpart = reader.Parse("ServerNotices:SystemMxidLocalpart", text =>
            text.Length == 0 ? (null, null)
            : UserId.TryParse("@" + text + ":localhost", out _, out var error) && !text.Contains(':', StringComparison.Ordinal)
                ? (text, (string?)null)
                : ((string?)null, $"'{text}' is not a user ID localpart: {error}"));
        var displayName = reader.Parse("ServerNotices:SystemMxidDisplayName", Optional);
        var roomName = reader.Parse("ServerNotices:RoomName", Optional);
        return new ServerNoticesSettings(localpart, displayName, roomName);
    }

    private static (string?, string?) Optional(string text) => (text.Length == 0 ? null : text, null);
}
