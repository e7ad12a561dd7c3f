using System.Text.Json;

namespace Homeserver.Bridges.AppService.Events;

/// <summary>Turns one element of a transaction into a typed event, or null when it is not an event at all.</summary>
public static class EventParser
{
    public static MatrixEvent? Parse(JsonElement element, bool ephemeral)
    {
        if (element.ValueKind != JsonValueKind.Object || JsonRead.String(element, "type") is not { Length: > 0 } type)
        {
            return null;
        }

        var raw = element.Clone();
        MatrixEvent parsed = type switch
        {
            "m.room.message" or "m.sticker" => new RoomMessageEvent(raw, type),
            "m.room.member" when JsonRead.String(raw, "state_key") is not null => new RoomMemberEvent(raw, type),
            "m.reaction" => new ReactionEvent(raw, type),
            "m.room.redaction" => new RedactionEvent(raw, type),
            "m.typing" => new TypingEvent(raw, type),
            "m.receipt" => new ReceiptEvent(raw, type),
            "m.presence" => new PresenceEvent(raw, type),
            _ => new MatrixEvent(raw, type),
        };
        return parsed with { IsEphemeral = ephemeral };
    }
}
