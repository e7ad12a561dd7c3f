using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Events;
using Homeserver.Services.Rooms;

namespace Homeserver.Services.Push;

/// <summary>
/// The body of a Push Gateway API <c>POST /_matrix/push/v1/notify</c> for one notification and one pusher:
/// <c>{"notification": {...}}</c>. With <c>data.format = "event_id_only"</c> only the event and room IDs, counts,
/// priority and device go out (as Synapse does), else the event's type, sender, content and the room's name, alias
/// and the sender's display name as of the event.
/// </summary>
public sealed class PushNotificationBody(IRoomEventReader events, IUnreadCountReader? unreadCounts = null)
{
    /// <returns>Null when the event is gone (nothing to notify about).</returns>
    public async Task<JsonObject?> BuildAsync(Pusher pusher, PushNotification row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pusher);
        ArgumentNullException.ThrowIfNull(row);
        var stored = await events.GetEventAsync(row.EventId, cancellationToken);
        if (stored is null)
        {
            return null;
        }

        var data = JsonNode.Parse(pusher.DataJson) as JsonObject ?? [];
        data.Remove("url");
        var eventIdOnly = data["format"]?.GetValueKind() == JsonValueKind.String &&
                          data["format"]!.GetValue<string>() == "event_id_only";
        var tweaks = Tweaks(row.ActionsJson);
        var pdu = stored.Pdu;
        var notification = new JsonObject
        {
            ["event_id"] = row.EventId,
            ["room_id"] = row.RoomId,
            ["prio"] = pdu.Type == "m.room.encrypted" || tweaks.ContainsKey("highlight") || tweaks.ContainsKey("sound")
                ? "high"
                : "low",
        };
        if (!eventIdOnly)
        {
            notification["type"] = pdu.Type;
            notification["sender"] = pdu.Sender;
            if (pdu.Type == "m.room.member" && pdu.StateKey is not null)
            {
                notification["user_is_target"] = pdu.StateKey == row.UserId;
            }

            if (stored.RedactedBecause is null && pdu.Content.ValueKind == JsonValueKind.Object &&
                pdu.Content.EnumerateObject().Any())
            {
                notification["content"] = JsonNode.Parse(pdu.Content.GetRawText());
            }

            await AddRoomDetailsAsync(notification, pdu, cancellationToken);
        }

        var counts = new JsonObject();
        if (unreadCounts is not null &&
            await unreadCounts.GetUnreadBadgeCountAsync(row.UserId, cancellationToken) is var unread and > 0)
        {
            counts["unread"] = unread;
        }

        notification["counts"] = counts;
        notification["devices"] = new JsonArray(new JsonObject
        {
            ["app_id"] = pusher.AppId,
            ["pushkey"] = pusher.PushKey,
            ["pushkey_ts"] = pusher.PushKeyTs / 1000,
            ["data"] = data,
            ["tweaks"] = tweaks,
        });
        return new JsonObject { ["notification"] = notification };
    }

    /// <summary>The <c>set_tweak</c> actions as a tweaks object (<c>highlight</c> without a value is true).</summary>
    internal static JsonObject Tweaks(string actionsJson)
    {
        var tweaks = new JsonObject();
        if (JsonNode.Parse(actionsJson) is not JsonArray actions)
        {
            return tweaks;
        }

        foreach (var action in actions.OfType<JsonObject>())
        {
            if (action["set_tweak"] is JsonValue name && name.TryGetValue<string>(out var tweak))
            {
                tweaks[tweak] = action.TryGetPropertyValue("value", out var value) ? value?.DeepClone() : true;
            }
        }

        if (tweaks["highlight"] is JsonValue highlight && highlight.TryGetValue<bool>(out var on) && !on)
        {
            tweaks.Remove("highlight");
        }

        return tweaks;
    }

    private async Task AddRoomDetailsAsync(JsonObject notification, Pdu pdu, CancellationToken cancellationToken)
    {
        var state = await events.GetStateIdsAfterAsync(pdu.EventId, cancellationToken);
        var wanted = new[]
        {
            (Key: new TypeAndStateKey("m.room.name", ""), Field: "room_name", Property: "name"),
            (Key: new TypeAndStateKey("m.room.canonical_alias", ""), Field: "room_alias", Property: "alias"),
            (Key: new TypeAndStateKey("m.room.member", pdu.Sender), Field: "sender_display_name", Property: "displayname"),
        };
        var ids = wanted.Where(w => state.ContainsKey(w.Key)).Select(w => state[w.Key]).ToList();
        var found = (await events.GetEventsAsync(ids, cancellationToken))
            .Where(e => e.RedactedBecause is null)
            .ToDictionary(e => e.Pdu.StateEntryKey);
        foreach (var (key, field, property) in wanted)
        {
            if (found.TryGetValue(key, out var stateEvent) && stateEvent.Pdu.ContentString(property) is { Length: > 0 } text)
            {
                notification[field] = text;
            }
        }
    }
}
