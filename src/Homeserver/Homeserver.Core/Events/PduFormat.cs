using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Identifiers;
using Homeserver.Core.Json;

namespace Homeserver.Core.Events;

/// <summary>
/// The event format of each room version and the size limits of the server-server API: at most 65536
/// bytes of canonical JSON, 255-byte identifiers, type and state key, at most 20 prev_events and 10
/// auth_events, and the reference shapes and room ID form of the version.
/// </summary>
public static class PduFormat
{
    public const int MaxEventBytes = 65_536;
    public const int MaxFieldBytes = 255;
    public const int MaxPrevEvents = 20;
    public const int MaxAuthEvents = 10;

    public static bool TryValidate(JsonObject pdu, RoomVersion version, out string error) =>
        TryValidate(pdu, version, out _, out error);

    /// <summary>Validates the event and hands back its canonical JSON (the form a <see cref="Pdu"/> keeps).</summary>
    internal static bool TryValidate(JsonObject pdu, RoomVersion version, out byte[] bytes, out string error)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        ArgumentNullException.ThrowIfNull(version);
        if (!CanonicalJson.TryEncode(pdu, out bytes, out error, EventHashing.JsonOptions(version)))
        {
            error = $"the event is not canonical JSON: {error}";
            return false;
        }

        if (bytes.Length > MaxEventBytes)
        {
            error = $"the event is {bytes.Length} bytes, more than {MaxEventBytes}";
            return false;
        }

        return TryValidateFields(pdu, version, out error);
    }

    private static bool TryValidateFields(JsonObject pdu, RoomVersion version, out string error)
    {
        if (!TryGetString(pdu, "type", required: true, out var type, out error) ||
            !TryGetString(pdu, "sender", required: true, out var sender, out error) ||
            !TryGetString(pdu, "state_key", required: false, out _, out error))
        {
            return false;
        }

        if (!UserId.TryParse(sender, out _, out var senderError))
        {
            error = $"sender: {senderError}";
            return false;
        }

        if (pdu["content"] is not JsonObject)
        {
            error = "content must be an object";
            return false;
        }

        if (pdu["signatures"] is not JsonObject)
        {
            error = "signatures must be an object";
            return false;
        }

        if (pdu["hashes"] is not JsonObject hashes || hashes["sha256"] is not JsonValue sha256 ||
            sha256.GetValueKind() != JsonValueKind.String)
        {
            error = "hashes must be an object with a sha256 string";
            return false;
        }

        var maxDepth = version.StrictCanonicalJson ? CanonicalJson.MaxSafeInteger : long.MaxValue;
        if (!TryGetInteger(pdu, "depth", out var depth, out error) ||
            !TryGetInteger(pdu, "origin_server_ts", out _, out error))
        {
            return false;
        }

        if (depth < 0 || depth > maxDepth)
        {
            error = $"depth must be between 0 and {maxDepth}";
            return false;
        }

        return TryValidateReferences(pdu, "prev_events", MaxPrevEvents, version, out error) &&
               TryValidateReferences(pdu, "auth_events", MaxAuthEvents, version, out error) &&
               TryValidateRoomId(pdu, type!, version, out error) &&
               TryValidateEventIdField(pdu, version, out error);
    }

    private static bool TryValidateRoomId(JsonObject pdu, string type, RoomVersion version, out string error)
    {
        var hasRoomId = pdu.ContainsKey("room_id");
        if (version.RoomIdIsCreateEventId && type == EventTypes.Create)
        {
            error = hasRoomId ? $"a create event in room version {version.Id} has no room_id" : "";
            return !hasRoomId;
        }

        if (!TryGetString(pdu, "room_id", required: true, out var roomIdText, out error))
        {
            return false;
        }

        if (!RoomId.TryParse(roomIdText, out var roomId, out var roomError))
        {
            error = $"room_id: {roomError}";
            return false;
        }

        if (version.RoomIdIsCreateEventId != (roomId.Domain is null))
        {
            error = version.RoomIdIsCreateEventId
                ? $"room IDs in room version {version.Id} are the create event's hash, without a server name"
                : $"room IDs in room version {version.Id} have the form !opaque:server";
            return false;
        }

        return true;
    }

    private static bool TryValidateEventIdField(JsonObject pdu, RoomVersion version, out string error)
    {
        error = "";
        if (version.EventIdFormat != EventIdFormat.ServerAssigned)
        {
            return true;
        }

        if (!TryGetString(pdu, "event_id", required: true, out var eventId, out error))
        {
            return false;
        }

        if (!EventId.TryParse(eventId, out var parsed, out var idError) || parsed.Domain is null)
        {
            error = $"event_id must be $opaque:server in room version {version.Id}{(idError.Length > 0 ? ": " + idError : "")}";
            return false;
        }

        return true;
    }

    private static bool TryValidateReferences(JsonObject pdu, string name, int max, RoomVersion version,
        out string error)
    {
        if (pdu[name] is not JsonArray references)
        {
            error = $"{name} must be an array";
            return false;
        }

        if (references.Count > max)
        {
            error = $"{name} has {references.Count} entries, more than {max}";
            return false;
        }

        var pairs = version.EventIdFormat == EventIdFormat.ServerAssigned;
        foreach (var reference in references)
        {
            var idNode = pairs
                ? reference is JsonArray { Count: 2 } pair && pair[1] is JsonObject ? pair[0] : null
                : reference;
            if (idNode is not JsonValue idValue || !idValue.TryGetValue<string>(out var id) ||
                !EventId.TryParse(id, out _, out _))
            {
                error = pairs
                    ? $"{name} entries must be [event_id, {{hashes}}] pairs in room version {version.Id}"
                    : $"{name} entries must be event ID strings in room version {version.Id}";
                return false;
            }
        }

        error = "";
        return true;
    }

    private static bool TryGetString(JsonObject pdu, string name, bool required, out string? value, out string error)
    {
        value = null;
        if (!pdu.TryGetPropertyValue(name, out var node))
        {
            error = required ? $"{name} is required" : "";
            return !required;
        }

        if (node is not JsonValue jsonValue || !jsonValue.TryGetValue(out value))
        {
            error = $"{name} must be a string";
            return false;
        }

        if (System.Text.Encoding.UTF8.GetByteCount(value) > MaxFieldBytes)
        {
            error = $"{name} is longer than {MaxFieldBytes} bytes";
            return false;
        }

        error = "";
        return true;
    }

    private static bool TryGetInteger(JsonObject pdu, string name, out long value, out string error)
    {
        value = 0;
        if (pdu[name] is not JsonValue node || node.GetValueKind() != JsonValueKind.Number ||
            !long.TryParse(node.ToJsonString(), System.Globalization.NumberStyles.AllowLeadingSign,
                System.Globalization.CultureInfo.InvariantCulture, out value))
        {
            error = $"{name} must be an integer";
            return false;
        }

        error = "";
        return true;
    }
}
