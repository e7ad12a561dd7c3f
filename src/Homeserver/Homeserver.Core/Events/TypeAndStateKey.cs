namespace Homeserver.Core.Events;

/// <summary>The key of an entry in a room's state: event type and state key.</summary>
public readonly record struct TypeAndStateKey(string Type, string StateKey)
{
    public override string ToString() => $"({Type}, {StateKey})";
}

/// <summary>Event type names the auth rules and state resolution care about.</summary>
public static class EventTypes
{
    public const string Create = "m.room.create";
    public const string Member = "m.room.member";
    public const string JoinRules = "m.room.join_rules";
    public const string PowerLevels = "m.room.power_levels";
    public const string ThirdPartyInvite = "m.room.third_party_invite";
    public const string Aliases = "m.room.aliases";
    public const string Redaction = "m.room.redaction";
    public const string HistoryVisibility = "m.room.history_visibility";
}

/// <summary>Membership values of <c>m.room.member</c>.</summary>
public static class Memberships
{
    public const string Join = "join";
    public const string Invite = "invite";
    public const string Leave = "leave";
    public const string Ban = "ban";
    public const string Knock = "knock";
}
