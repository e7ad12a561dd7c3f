using Homeserver.Core.Auth;

namespace Homeserver.Services.Live;

/// <summary>
/// Who moderates a live room: whoever the room's power levels let send <see cref="LiveNames.Timeout"/> state (by
/// default <c>state_default</c>, 50). Moderators are exempt from every live posting rule.
/// </summary>
public static class LiveModerators
{
    public static bool IsModerator(RoomPowerLevels powerLevels, string userId)
    {
        ArgumentNullException.ThrowIfNull(powerLevels);
        return powerLevels.CanSend(userId, LiveNames.Timeout, isState: true);
    }
}
