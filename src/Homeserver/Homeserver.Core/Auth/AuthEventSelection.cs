using System.Text.Json;
using Homeserver.Core.Events;

namespace Homeserver.Core.Auth;

/// <summary>
/// The server-server API's auth events selection: which state entries an event may (and should) list
/// in <c>auth_events</c>. Version 12 never lists the create event.
/// </summary>
public static class AuthEventSelection
{
    public static IReadOnlyList<TypeAndStateKey> KeysFor(string type, string sender, string? stateKey,
        JsonElement content, RoomVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        if (type == EventTypes.Create)
        {
            return [];
        }

        var keys = new List<TypeAndStateKey>();
        if (!version.RoomIdIsCreateEventId)
        {
            keys.Add(new(EventTypes.Create, ""));
        }

        keys.Add(new(EventTypes.PowerLevels, ""));
        keys.Add(new(EventTypes.Member, sender));
        if (type != EventTypes.Member || stateKey is null)
        {
            return keys;
        }

        keys.Add(new(EventTypes.Member, stateKey));
        var membership = ContentString(content, "membership");
        if (membership is Memberships.Join or Memberships.Invite or Memberships.Knock)
        {
            keys.Add(new(EventTypes.JoinRules, ""));
        }

        if (membership == Memberships.Invite && content.ValueKind == JsonValueKind.Object &&
            content.TryGetProperty("third_party_invite", out var invite) && invite.ValueKind == JsonValueKind.Object &&
            invite.TryGetProperty("signed", out var signed) && signed.ValueKind == JsonValueKind.Object &&
            signed.TryGetProperty("token", out var token) && token.ValueKind == JsonValueKind.String)
        {
            keys.Add(new(EventTypes.ThirdPartyInvite, token.GetString()!));
        }

        if (version.AllowsRestrictedJoins && membership == Memberships.Join &&
            ContentString(content, "join_authorised_via_users_server") is { } authoriser)
        {
            keys.Add(new(EventTypes.Member, authoriser));
        }

        return keys.Distinct().ToList();
    }

    public static IReadOnlyList<TypeAndStateKey> KeysFor(Pdu pdu)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        return KeysFor(pdu.Type, pdu.Sender, pdu.StateKey, pdu.Content, pdu.Version);
    }

    private static string? ContentString(JsonElement content, string name) =>
        content.ValueKind == JsonValueKind.Object && content.TryGetProperty(name, out var value) &&
        value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
