using System.Text.Json.Nodes;
using Homeserver.Core.Events;

namespace Homeserver.Services.Sync;

/// <summary>
/// The last step of a /sync room entry: its events are <c>ClientEventWithoutRoomID</c> (the room is the key they
/// sit under), and the filter's <c>event_fields</c> narrow timeline and state events.
/// </summary>
public static class SyncRoomEventShape
{
    private static readonly string[] EventSections = ["timeline", "state", "state_after", "ephemeral", "account_data"];
    private static readonly HashSet<string> RoomEventSections = new(StringComparer.Ordinal) { "timeline", "state", "state_after" };

    public static JsonObject Apply(JsonObject roomEntry, EventFieldSelection? fields)
    {
        ArgumentNullException.ThrowIfNull(roomEntry);
        foreach (var section in EventSections)
        {
            if (roomEntry[section] is not JsonObject { } batch || batch["events"] is not JsonArray events)
            {
                continue;
            }

            for (var i = 0; i < events.Count; i++)
            {
                if (events[i] is not JsonObject clientEvent)
                {
                    continue;
                }

                clientEvent.Remove("room_id");
                if (fields is not null && RoomEventSections.Contains(section))
                {
                    events[i] = fields.Apply(clientEvent);
                }
            }
        }

        return roomEntry;
    }
}
