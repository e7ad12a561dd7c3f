using System.Text.Json.Nodes;
using Homeserver.Core.Events;

namespace Homeserver.Services.Rooms;

/// <summary>
/// Stripped state (client-server API, "Stripped state"): the events that let an invitee or knocker see what room it
/// is, each as <c>type</c>, <c>state_key</c>, <c>sender</c>, <c>content</c>.
/// </summary>
public static class StrippedRoomState
{
    public static readonly IReadOnlySet<string> Types = new HashSet<string>(StringComparer.Ordinal)
    {
        EventTypes.Create, EventTypes.JoinRules, "m.room.name", "m.room.avatar", "m.room.canonical_alias",
        "m.room.encryption",
    };

    public static JsonObject Of(Pdu pdu)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        return new JsonObject
        {
            ["type"] = pdu.Type,
            ["state_key"] = pdu.StateKey,
            ["sender"] = pdu.Sender,
            ["content"] = JsonNode.Parse(pdu.Content.GetRawText()),
        };
    }

    /// <summary>The stripped state of a room's head for an invite sent to another server, with the inviter's
    /// membership.</summary>
    public static JsonArray ForInvite(RoomHead head, string inviter)
    {
        ArgumentNullException.ThrowIfNull(head);
        var events = head.State.Values.Where(e => e.StateKey == "" && Types.Contains(e.Type)).ToList();
        if (head.Get(EventTypes.Member, inviter) is { } member)
        {
            events.Add(member);
        }

        return new JsonArray(events.Select(e => (JsonNode)Of(e)).ToArray());
    }

    /// <summary>The stripped state another server gave with a membership event stored out of band
    /// (<c>unsigned.invite_room_state</c> or <c>unsigned.knock_room_state</c>), if any.</summary>
    public static JsonArray? FromUnsigned(Pdu pdu, string property)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        return pdu.Json.TryGetProperty("unsigned", out var unsigned) &&
               unsigned.ValueKind == System.Text.Json.JsonValueKind.Object &&
               unsigned.TryGetProperty(property, out var state) &&
               state.ValueKind == System.Text.Json.JsonValueKind.Array
            ? JsonNode.Parse(state.GetRawText())!.AsArray()
            : null;
    }
}
