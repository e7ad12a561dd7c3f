using Homeserver.Core.Events;

namespace Homeserver.Core.Auth;

/// <summary>
/// Power level questions about a room state, answered the way the auth rules answer them (defaults,
/// the creator's 100 without a power levels event, v12 creators' infinite level). For endpoints that
/// want to refuse a request early or show what a user may do.
/// </summary>
public sealed class RoomPowerLevels
{
    private readonly AuthState _state;

    private RoomPowerLevels(AuthState state) => _state = state;

    public static RoomPowerLevels For(IRoomState state, RoomVersion version)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(version);
        return new RoomPowerLevels(new AuthState(state, version));
    }

    /// <summary>The parsed power levels content (defaults when the room has none).</summary>
    public PowerLevels Levels => _state.PowerLevels;

    public IReadOnlySet<string> Creators => _state.Creators;

    /// <summary>The user's level; <see cref="PowerLevels.Infinite"/> for version 12 creators.</summary>
    public long UserLevel(string userId) => _state.UserLevel(userId);

    public bool CanSend(string userId, string eventType, bool isState) =>
        UserLevel(userId) >= Levels.RequiredFor(eventType, isState);

    public bool CanInvite(string userId) => UserLevel(userId) >= Levels.Invite;

    public bool CanRedactOthers(string userId) => UserLevel(userId) >= Levels.Redact;

    /// <summary>Kicking needs the kick level and a level above the target's.</summary>
    public bool CanKick(string userId, string targetId) =>
        UserLevel(userId) >= Levels.Kick && UserLevel(targetId) < UserLevel(userId);

    /// <summary>Banning needs the ban level and a level above the target's.</summary>
    public bool CanBan(string userId, string targetId) =>
        UserLevel(userId) >= Levels.Ban && UserLevel(targetId) < UserLevel(userId);

    /// <summary>Whether the user may trigger a notification of this kind (for example <c>room</c> for @room).</summary>
    public bool CanNotify(string userId, string kind) => UserLevel(userId) >= Levels.NotificationLevel(kind);
}
