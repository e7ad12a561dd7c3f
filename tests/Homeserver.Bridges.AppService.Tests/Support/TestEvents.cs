using System.Text.Json.Nodes;

namespace Homeserver.Bridges.AppService.Tests.Support;

/// <summary>Event JSON as a homeserver sends it in transactions.</summary>
public static class TestEvents
{
    public static JsonObject Message(string eventId, string body, string sender = "@alice:example.org", string roomId = "!room:example.org") => new()
    {
        ["type"] = "m.room.message",
        ["event_id"] = eventId,
        ["room_id"] = roomId,
        ["sender"] = sender,
        ["origin_server_ts"] = 1_700_000_000_000,
        ["content"] = new JsonObject { ["msgtype"] = "m.text", ["body"] = body },
    };

    public static JsonObject Member(string eventId, string userId, string membership, string roomId = "!room:example.org",
        string sender = "@alice:example.org") => new()
    {
        ["type"] = "m.room.member",
        ["event_id"] = eventId,
        ["room_id"] = roomId,
        ["sender"] = sender,
        ["state_key"] = userId,
        ["origin_server_ts"] = 1_700_000_000_000,
        ["content"] = new JsonObject { ["membership"] = membership },
    };

    public static JsonObject Typing(string roomId, params string[] userIds) => new()
    {
        ["type"] = "m.typing",
        ["room_id"] = roomId,
        ["content"] = new JsonObject { ["user_ids"] = new JsonArray(userIds.Select(u => (JsonNode?)u).ToArray()) },
    };

    public static string Transaction(IEnumerable<JsonObject> events, IEnumerable<JsonObject>? ephemeral = null,
        string ephemeralKey = "ephemeral")
    {
        var body = new JsonObject { ["events"] = new JsonArray(events.Select(e => e.DeepClone()).ToArray()) };
        if (ephemeral is not null)
        {
            body[ephemeralKey] = new JsonArray(ephemeral.Select(e => e.DeepClone()).ToArray());
        }

        return body.ToJsonString();
    }
}
