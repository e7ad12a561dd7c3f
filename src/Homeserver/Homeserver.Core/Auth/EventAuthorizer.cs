using System.Text.Json;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;

namespace Homeserver.Core.Auth;

/// <summary>
/// The authorization rules of every room version (rooms/v1..v12, "Authorization rules"). Rule numbers
/// in comments follow room version 12; the version table switches the rules that differ. Never throws:
/// every outcome is an <see cref="AuthResult"/> naming the rule that decided it.
/// </summary>
public static class EventAuthorizer
{
    /// <summary>
    /// Authorizes an event against its own <c>auth_events</c> (checks on receipt, step 4): the auth event
    /// list rules first, then all other rules against the state those events form. In version 12 the
    /// create event is not among the auth events; pass it as <paramref name="createEvent"/>.
    /// </summary>
    public static AuthResult AuthorizeWithAuthEvents(Pdu pdu, IReadOnlyList<Pdu> authEvents, Pdu? createEvent = null,
        Func<string, bool>? isRejected = null, AuthOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        ArgumentNullException.ThrowIfNull(authEvents);
        if (pdu.Type == EventTypes.Create)
        {
            return Authorize(pdu, new StateMap(), options);
        }

        var listCheck = AuthEventChecks.Check(pdu, authEvents, isRejected);
        if (!listCheck.IsAllowed)
        {
            return listCheck;
        }

        var state = new StateMap(authEvents);
        if (createEvent is not null && pdu.Version.RoomIdIsCreateEventId)
        {
            state.Set(createEvent);
        }

        return Authorize(pdu, state, options);
    }

    /// <summary>Authorizes an event against a room state (the state before it, or the current state).</summary>
    public static AuthResult Authorize(Pdu pdu, IRoomState state, AuthOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        ArgumentNullException.ThrowIfNull(state);
        try
        {
            return AuthorizeUnchecked(pdu, new AuthState(state, pdu.Version), options ?? AuthOptions.Default);
        }
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or FormatException)
        {
            // Malformed content the rules did not anticipate must reject, never escape as an exception.
            return AuthResult.Reject($"malformed event: {e.Message}");
        }
    }

    private static AuthResult AuthorizeUnchecked(Pdu pdu, AuthState state, AuthOptions options)
    {
        var version = pdu.Version;
        if (pdu.Type == EventTypes.Create)
        {
            return AuthorizeCreate(pdu);
        }

        var create = state.Create;
        if (create is null)
        {
            return AuthResult.Reject("the room has no m.room.create event");
        }

        // v12 rule 2: the room ID is the create event's ID.
        if (version.RoomIdIsCreateEventId && !IsRoomIdOf(pdu.RoomId, create.EventId))
        {
            return AuthResult.Reject("the room_id is not the ID of the room's create event");
        }

        // Rule 4: m.federate.
        if (create.Content.ValueKind == JsonValueKind.Object &&
            create.Content.TryGetProperty("m.federate", out var federate) && federate.ValueKind == JsonValueKind.False &&
            DomainOf(pdu.Sender) != DomainOf(create.Sender))
        {
            return AuthResult.Reject("the room does not federate and the sender is from another server");
        }

        if (version.HasAliasesAuthRule && pdu.Type == EventTypes.Aliases)
        {
            if (pdu.StateKey is null)
            {
                return AuthResult.Reject("m.room.aliases must have a state_key");
            }

            return DomainOf(pdu.Sender) == pdu.StateKey
                ? AuthResult.Allow("m.room.aliases for the sender's own server")
                : AuthResult.Reject("m.room.aliases state_key must be the sender's server");
        }

        if (pdu.Type == EventTypes.Member)
        {
            return MembershipRules.Authorize(pdu, state, options);
        }

        // Rule 6.
        if (state.MembershipOf(pdu.Sender) != Memberships.Join)
        {
            return AuthResult.Reject("the sender is not joined to the room");
        }

        var senderLevel = state.UserLevel(pdu.Sender);

        // Rule 7.
        if (pdu.Type == EventTypes.ThirdPartyInvite)
        {
            return senderLevel >= state.PowerLevels.Invite
                ? AuthResult.Allow("the sender may invite")
                : AuthResult.Reject("the sender's power level is below the invite level");
        }

        // Rule 8.
        var required = state.PowerLevels.RequiredFor(pdu.Type, pdu.IsState);
        if (required > senderLevel)
        {
            return AuthResult.Reject($"sending {pdu.Type} needs power level {required}, the sender has {senderLevel}");
        }

        // Rule 9.
        if (pdu.StateKey is { } stateKey && stateKey.StartsWith('@') && stateKey != pdu.Sender)
        {
            return AuthResult.Reject("a state_key starting with '@' must be the sender");
        }

        if (pdu.Type == EventTypes.PowerLevels)
        {
            return PowerLevelRules.Authorize(pdu, state, senderLevel);
        }

        if (version.HasRedactionAuthRule && pdu.Type == EventTypes.Redaction)
        {
            return AuthorizeV1Redaction(pdu, state, senderLevel);
        }

        return AuthResult.Allow("the sender has the required power level");
    }

    private static AuthResult AuthorizeCreate(Pdu pdu)
    {
        var version = pdu.Version;
        if (pdu.PrevEvents.Count > 0)
        {
            return AuthResult.Reject("a create event cannot have prev_events");
        }

        if (version.RoomIdIsCreateEventId)
        {
            if (pdu.Json.TryGetProperty("room_id", out _))
            {
                return AuthResult.Reject($"a create event in room version {version.Id} has no room_id");
            }
        }
        else if (!RoomId.TryParse(pdu.RoomId, out var roomId, out _) || roomId.Domain?.Value != DomainOf(pdu.Sender))
        {
            return AuthResult.Reject("the room_id's server does not match the sender's server");
        }

        var content = pdu.Content;
        if (content.TryGetProperty("room_version", out var roomVersion) &&
            (roomVersion.ValueKind != JsonValueKind.String || !RoomVersions.TryGet(roomVersion.GetString(), out _)))
        {
            return AuthResult.Reject("content.room_version is not a known room version");
        }

        if (!version.CreatorIsCreateSender && !content.TryGetProperty("creator", out _))
        {
            return AuthResult.Reject("content has no creator");
        }

        if (version.CreatorsHaveInfinitePower && content.TryGetProperty("additional_creators", out var additional) &&
            (additional.ValueKind != JsonValueKind.Array || additional.EnumerateArray().Any(user =>
                user.ValueKind != JsonValueKind.String || !UserId.TryParse(user.GetString(), out _, out _))))
        {
            return AuthResult.Reject("additional_creators must be an array of user IDs");
        }

        return AuthResult.Allow("a valid create event");
    }

    private static AuthResult AuthorizeV1Redaction(Pdu pdu, AuthState state, long senderLevel)
    {
        if (senderLevel >= state.PowerLevels.Redact)
        {
            return AuthResult.Allow("the sender has the redact level");
        }

        return pdu.Redacts is { } redacts && EventId.TryParse(redacts, out var target, out _) &&
               EventId.TryParse(pdu.EventId, out var self, out _) && target.Domain is { } targetDomain &&
               targetDomain == self.Domain
            ? AuthResult.Allow("the redacted event is from the redaction's own server")
            : AuthResult.Reject("the sender is below the redact level and the event is from another server");
    }

    /// <summary>Whether the room ID is the create event ID with '!' for '$' (compared without allocating).</summary>
    private static bool IsRoomIdOf(string roomId, string createEventId) =>
        roomId.Length == createEventId.Length && roomId.StartsWith('!') &&
        roomId.AsSpan(1).SequenceEqual(createEventId.AsSpan(1));

    internal static string DomainOf(string userId)
    {
        var colon = userId.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? "" : userId[(colon + 1)..];
    }
}
