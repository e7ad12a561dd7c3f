using System.Text.Json.Nodes;

namespace Homeserver.Core.Events;

/// <summary>
/// The redaction algorithm of each room version: which top-level keys survive and which content keys
/// each event type keeps. Used to redact events and to compute reference hashes and signatures.
/// </summary>
public static class Redaction
{
    private static readonly string[] TopLevelKeysV11 =
    [
        "event_id", "type", "room_id", "sender", "state_key", "content", "hashes", "signatures", "depth",
        "prev_events", "auth_events", "origin_server_ts",
    ];

    private static readonly string[] TopLevelKeysV1 = [.. TopLevelKeysV11, "origin", "membership", "prev_state"];

    /// <summary>Returns a redacted copy of the event; the input is not changed.</summary>
    public static JsonObject Redact(JsonObject pdu, RoomVersion version)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        ArgumentNullException.ThrowIfNull(version);
        var keep = version.Redaction == RedactionAlgorithm.V11 ? TopLevelKeysV11 : TopLevelKeysV1;
        var redacted = new JsonObject();
        foreach (var (key, value) in pdu)
        {
            if (key == "content" || !keep.Contains(key))
            {
                continue;
            }

            redacted[key] = value?.DeepClone();
        }

        var type = pdu["type"] is JsonValue typeValue && typeValue.TryGetValue<string>(out var t) ? t : "";
        redacted["content"] = pdu["content"] is JsonObject content ? RedactContent(type, content, version) : new JsonObject();
        return redacted;
    }

    /// <summary>The content an event of the given type keeps after redaction.</summary>
    public static JsonObject RedactContent(string type, JsonObject content, RoomVersion version)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(version);
        var algorithm = version.Redaction;
        if (type == "m.room.create" && algorithm == RedactionAlgorithm.V11)
        {
            return (JsonObject)content.DeepClone();
        }

        var kept = new JsonObject();
        foreach (var key in KeptContentKeys(type, algorithm))
        {
            if (content.TryGetPropertyValue(key, out var value))
            {
                kept[key] = value?.DeepClone();
            }
        }

        if (type == "m.room.member" && algorithm == RedactionAlgorithm.V11 &&
            content["third_party_invite"] is JsonObject invite && invite.TryGetPropertyValue("signed", out var signed))
        {
            kept["third_party_invite"] = new JsonObject { ["signed"] = signed?.DeepClone() };
        }

        return kept;
    }

    private static string[] KeptContentKeys(string type, RedactionAlgorithm algorithm) => type switch
    {
        "m.room.member" => algorithm >= RedactionAlgorithm.V9
            ? ["membership", "join_authorised_via_users_server"]
            : ["membership"],
        "m.room.create" => ["creator"],
        "m.room.join_rules" => algorithm >= RedactionAlgorithm.V8 ? ["join_rule", "allow"] : ["join_rule"],
        "m.room.power_levels" => algorithm >= RedactionAlgorithm.V11
            ? ["ban", "events", "events_default", "invite", "kick", "redact", "state_default", "users", "users_default"]
            : ["ban", "events", "events_default", "kick", "redact", "state_default", "users", "users_default"],
        "m.room.aliases" => algorithm == RedactionAlgorithm.V1 ? ["aliases"] : [],
        "m.room.history_visibility" => ["history_visibility"],
        "m.room.redaction" => algorithm >= RedactionAlgorithm.V11 ? ["redacts"] : [],
        _ => [],
    };
}
