using Homeserver.Bridges.Steam.Client;

namespace Homeserver.Bridges.Steam.Sync;

/// <summary>A Matrix presence (spec: m.presence) and its status message.</summary>
public sealed record MatrixPresence(string Presence, string? StatusMsg);

/// <summary>
/// Steam's <c>personastate</c> and <c>gameextrainfo</c> as Matrix presence: 0 offline -> offline; 1 online, 5 looking
/// to trade, 6 looking to play -> online; 2 busy, 3 away, 4 snooze -> unavailable. A game being played is the status
/// message "Playing X" (and the user counts as online even when Steam hides the state, since they are in a game).
/// </summary>
public static class PresenceMapper
{
    public static MatrixPresence Map(SteamPlayer player)
    {
        ArgumentNullException.ThrowIfNull(player);
        var game = string.IsNullOrWhiteSpace(player.GameExtraInfo) ? null : player.GameExtraInfo.Trim();
        var presence = player.PersonaState switch
        {
            1 or 5 or 6 => "online",
            2 or 3 or 4 => "unavailable",
            _ => game is null ? "offline" : "online",
        };
        return new MatrixPresence(presence, game is null ? null : $"Playing {game}");
    }
}
