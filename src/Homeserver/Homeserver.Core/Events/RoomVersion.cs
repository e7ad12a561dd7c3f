namespace Homeserver.Core.Events;

/// <summary>How event IDs are formed.</summary>
public enum EventIdFormat
{
    /// <summary>Versions 1 and 2: <c>$opaque:server</c>, chosen by the origin and carried in the event.</summary>
    ServerAssigned,

    /// <summary>Version 3: <c>$</c> + standard unpadded base64 of the reference hash.</summary>
    ReferenceHash,

    /// <summary>Version 4 onwards: <c>$</c> + URL-safe unpadded base64 of the reference hash.</summary>
    UrlSafeReferenceHash,
}

/// <summary>Which redaction algorithm a room version uses (named after the version that introduced it).</summary>
public enum RedactionAlgorithm
{
    V1,

    /// <summary>Version 6: <c>m.room.aliases</c> loses its special case.</summary>
    V6,

    /// <summary>Version 8: <c>m.room.join_rules</c> keeps <c>allow</c>.</summary>
    V8,

    /// <summary>Version 9: <c>m.room.member</c> keeps <c>join_authorised_via_users_server</c>.</summary>
    V9,

    /// <summary>Version 11: fewer top-level keys, whole create content, <c>redacts</c> and <c>invite</c> kept.</summary>
    V11,
}

/// <summary>Which state resolution algorithm a room version uses.</summary>
public enum StateResolutionAlgorithm
{
    V1,
    V2,

    /// <summary>Room version 12 (MSC4297): iterative auth checks start empty, conflicted subgraph added.</summary>
    V2Point1,
}

/// <summary>
/// The rules of one room version, as a table of what differs between versions 1 to 12. Code asks the
/// rule ("does this version have knocking?") rather than comparing version numbers.
/// </summary>
public sealed record RoomVersion
{
    public required string Id { get; init; }

    public bool IsStable { get; init; } = true;

    public required EventIdFormat EventIdFormat { get; init; }

    public required RedactionAlgorithm Redaction { get; init; }

    public required StateResolutionAlgorithm StateResolution { get; init; }

    /// <summary>Versions 1-5: the <c>m.room.aliases</c> auth rule exists.</summary>
    public bool HasAliasesAuthRule { get; init; }

    /// <summary>Versions 1-2: <c>m.room.redaction</c> is checked by the auth rules (redact level or same domain).</summary>
    public bool HasRedactionAuthRule { get; init; }

    /// <summary>Version 5 onwards: signing keys must be valid at the event's timestamp.</summary>
    public bool EnforcesKeyValidity { get; init; }

    /// <summary>Version 6 onwards: events must be strict canonical JSON (safe-range integers).</summary>
    public bool StrictCanonicalJson { get; init; }

    /// <summary>Version 6 onwards: changes to <c>notifications</c> power levels are checked.</summary>
    public bool ChecksNotificationsPowerLevels { get; init; }

    /// <summary>Version 7 onwards: the <c>knock</c> join rule and membership.</summary>
    public bool AllowsKnocking { get; init; }

    /// <summary>Version 8 onwards: the <c>restricted</c> join rule and <c>join_authorised_via_users_server</c>.</summary>
    public bool AllowsRestrictedJoins { get; init; }

    /// <summary>Version 10 onwards: the <c>knock_restricted</c> join rule.</summary>
    public bool AllowsKnockRestricted { get; init; }

    /// <summary>Version 10 onwards: power levels must be integers, not strings holding integers.</summary>
    public bool IntegerOnlyPowerLevels { get; init; }

    /// <summary>Version 11 onwards: the room creator is the create event's sender, not <c>content.creator</c>.</summary>
    public bool CreatorIsCreateSender { get; init; }

    /// <summary>Version 11 onwards: <c>redacts</c> lives in <c>content</c>.</summary>
    public bool RedactsInContent { get; init; }

    /// <summary>
    /// Version 12: the room ID is the create event's ID, the create event has no <c>room_id</c> and is
    /// never listed in <c>auth_events</c>, and creators (sender plus <c>additional_creators</c>) have
    /// infinite power.
    /// </summary>
    public bool RoomIdIsCreateEventId { get; init; }

    public bool CreatorsHaveInfinitePower => RoomIdIsCreateEventId;

    public override string ToString() => Id;
}
