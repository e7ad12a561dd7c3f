namespace Homeserver.Bridges.Steam.Client;

/// <summary>
/// One entry of <c>ISteamUser/GetPlayerSummaries/v2</c>: the public part of a Steam profile. <see cref="PersonaState"/>
/// is 0 offline, 1 online, 2 busy, 3 away, 4 snooze, 5 looking to trade, 6 looking to play (always 0 for a private
/// profile); <see cref="GameExtraInfo"/> is the name of the game being played, when visible.
/// </summary>
public sealed record SteamPlayer(
    string SteamId,
    string PersonaName,
    string? RealName,
    string? ProfileUrl,
    string? AvatarFull,
    string? AvatarHash,
    int PersonaState,
    string? GameId,
    string? GameExtraInfo,
    int CommunityVisibilityState);

/// <summary>One entry of <c>ISteamUser/GetFriendList/v1</c>.</summary>
public sealed record SteamFriend(string SteamId, string Relationship, long FriendSince);

/// <summary>A friend list, or the fact that it is private (Steam answers 401 for those).</summary>
public sealed record SteamFriendList(bool IsPrivate, IReadOnlyList<SteamFriend> Friends)
{
    public static readonly SteamFriendList Private = new(true, []);
}
