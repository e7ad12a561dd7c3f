using Homeserver.Core.Events;

namespace Homeserver.Core.Auth;

/// <summary>The facts the auth rules read from a room state: create event, memberships, join rule, levels.</summary>
internal sealed class AuthState
{
    private readonly IRoomState _state;
    private PowerLevels? _powerLevels;
    private static readonly HashSet<string> NoCreators = [];

    public AuthState(IRoomState state, RoomVersion version)
    {
        _state = state;
        Version = version;
        Create = state.Get(EventTypes.Create, "");
        PowerLevelsEvent = state.Get(EventTypes.PowerLevels, "");
    }

    public RoomVersion Version { get; }

    public Pdu? Create { get; }

    public Pdu? PowerLevelsEvent { get; }

    public PowerLevels PowerLevels => _powerLevels ??= PowerLevelsEvent is null
        ? PowerLevels.Empty
        : PowerLevelsEvent.PowerLevelsContent;

    public Pdu? Get(string type, string stateKey) => _state.Get(type, stateKey);

    /// <summary>The user's membership, or "leave" when the room has no member event for them.</summary>
    public string MembershipOf(string userId) =>
        _state.Get(EventTypes.Member, userId)?.Membership ?? Memberships.Leave;

    /// <summary>The join rule, "invite" when the room has none.</summary>
    public string JoinRule => _state.Get(EventTypes.JoinRules, "")?.ContentString("join_rule") ?? "invite";

    /// <summary>
    /// The room's creators: <c>content.creator</c> before version 11, the create event's sender from 11,
    /// plus <c>additional_creators</c> in version 12.
    /// </summary>
    public IReadOnlySet<string> Creators => Create?.RoomCreators ?? NoCreators;

    public long UserLevel(string userId)
    {
        if (Version.CreatorsHaveInfinitePower && Creators.Contains(userId))
        {
            return PowerLevels.Infinite;
        }

        if (PowerLevelsEvent is not null)
        {
            return PowerLevels.UserLevel(userId);
        }

        return !Version.CreatorsHaveInfinitePower && Creators.Contains(userId) ? 100 : 0;
    }
}
