using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Rooms;

namespace Homeserver.Services.Federation.Membership;

/// <summary>The answers to <c>send_join</c>, <c>send_leave</c> and <c>send_knock</c> (both API versions share them).</summary>
public sealed class MembershipSends(MembershipEventReceiver receiver, SendJoinResponse joinResponse,
    IRoomEventReader reader)
{
    // The stripped state a knocking user sees (the client-server API's list, m.room.create first and required).
    private static readonly string[] KnockStateTypes =
    [
        EventTypes.Create, EventTypes.JoinRules, "m.room.name", "m.room.avatar", "m.room.canonical_alias",
        "m.room.encryption",
    ];

    /// <summary>PUT /_matrix/federation/v2/send_join/{roomId}/{eventId}</summary>
    public async Task<JsonObject> SendJoinAsync(ServerName origin, string roomId, string eventId, JsonElement body,
        bool omitMembers, CancellationToken cancellationToken)
    {
        var join = await receiver.ReceiveAsync(origin, roomId, eventId, body, Memberships.Join, cancellationToken);
        return await joinResponse.BuildAsync(join, omitMembers, cancellationToken);
    }

    /// <summary>PUT /_matrix/federation/v2/send_leave/{roomId}/{eventId}</summary>
    public async Task<JsonObject> SendLeaveAsync(ServerName origin, string roomId, string eventId, JsonElement body,
        CancellationToken cancellationToken)
    {
        await receiver.ReceiveAsync(origin, roomId, eventId, body, Memberships.Leave, cancellationToken);
        return [];
    }

    /// <summary>PUT /_matrix/federation/v1/send_knock/{roomId}/{eventId}: the knock, then the room's stripped
    /// state (full PDUs since v1.16) for the knocking user.</summary>
    public async Task<JsonObject> SendKnockAsync(ServerName origin, string roomId, string eventId, JsonElement body,
        CancellationToken cancellationToken)
    {
        var knock = await receiver.ReceiveAsync(origin, roomId, eventId, body, Memberships.Knock, cancellationToken);
        var state = await reader.GetStateIdsAfterAsync(knock.Event.EventId, cancellationToken);
        var ids = KnockStateTypes.Select(type => state.GetValueOrDefault(new TypeAndStateKey(type, "")))
            .OfType<string>().ToList();
        var events = await reader.GetEventsAsync(ids, cancellationToken);
        var ordered = ids.Select(id => events.FirstOrDefault(e => e.Pdu.EventId == id)).OfType<StoredEvent>();
        return new JsonObject
        {
            ["knock_room_state"] = new JsonArray(ordered.Select(e => (JsonNode?)History.FederationPduJson.Of(e, visible: true)).ToArray()),
        };
    }
}
