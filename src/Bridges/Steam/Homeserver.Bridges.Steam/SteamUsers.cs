namespace Homeserver.Bridges.Steam;

/// <summary>The bridge's own Matrix users: the bot <c>@_steam_bot</c> and a ghost <c>@_steam_&lt;steamid64&gt;</c> per
/// Steam friend without a Matrix account (the exclusive namespace <c>@_steam_.*</c>).</summary>
public static class SteamUsers
{
    public const string Prefix = "_steam_";
    public const string BotLocalpart = "_steam_bot";

    public static string GhostLocalpart(string steamId) => Prefix + steamId;

    /// <summary>True for the bot and the ghosts on <paramref name="serverName"/>.</summary>
    public static bool IsBridgeUser(string? userId, string serverName) =>
        userId is not null && userId.StartsWith("@" + Prefix, StringComparison.Ordinal) &&
        userId.EndsWith(":" + serverName, StringComparison.Ordinal);

    /// <summary>True for a user of <paramref name="serverName"/> that is not one of the bridge's own.</summary>
    public static bool IsLocalUser(string? userId, string serverName) =>
        userId is not null && userId.StartsWith('@') && userId.EndsWith(":" + serverName, StringComparison.Ordinal) &&
        !IsBridgeUser(userId, serverName);
}
