using System.Text.Json.Nodes;

namespace Homeserver.Services.Rooms.Delayed;

/// <summary>A delayed event as <c>GET /delayed_events</c> lists it (MSC4140).</summary>
internal static class DelayedEventJson
{
    public static JsonObject Of(DelayedEvent delayed)
    {
        var json = new JsonObject
        {
            ["delay_id"] = delayed.DelayId,
            ["room_id"] = delayed.RoomId,
            ["type"] = delayed.EventType,
            ["delay"] = delayed.DelayMs,
            ["running_since"] = delayed.RunningSince,
            ["content"] = JsonNode.Parse(delayed.Content),
        };
        if (delayed.StateKey is not null)
        {
            json["state_key"] = delayed.StateKey;
        }

        if (!delayed.IsScheduled)
        {
            json["outcome"] = delayed.Outcome;
            json["reason"] = delayed.Reason;
            json["origin_server_ts"] = delayed.FinalisedTs;
            if (delayed.EventId is not null)
            {
                json["event_id"] = delayed.EventId;
            }

            if (delayed.Error is not null)
            {
                json["error"] = JsonNode.Parse(delayed.Error);
            }
        }

        return json;
    }
}
