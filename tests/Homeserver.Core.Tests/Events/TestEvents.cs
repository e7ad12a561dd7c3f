using System.Text.Json.Nodes;

namespace Homeserver.Core.Tests.Events;

/// <summary>Small JSON builders for event-format tests.</summary>
internal static class TestEvents
{
    public static JsonObject Message(string roomId, string sender, string body) => new()
    {
        ["room_id"] = roomId,
        ["sender"] = sender,
        ["type"] = "m.room.message",
        ["content"] = new JsonObject { ["msgtype"] = "m.text", ["body"] = body },
        ["origin_server_ts"] = 1000,
        ["depth"] = 5,
        ["prev_events"] = new JsonArray("$prev"),
        ["auth_events"] = new JsonArray("$auth"),
        ["hashes"] = new JsonObject { ["sha256"] = "" },
        ["signatures"] = new JsonObject(),
        ["unsigned"] = new JsonObject { ["age"] = 5 },
    };
}
