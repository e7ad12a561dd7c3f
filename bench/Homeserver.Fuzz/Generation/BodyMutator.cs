using System.Text;
using System.Text.Json.Nodes;

namespace Homeserver.Fuzz.Generation;

/// <summary>
/// One mutation of a valid JSON body: a value of the wrong type, a missing or extra field, a huge or negative number,
/// deep nesting, a long string, awkward Unicode (lone surrogate escapes, NUL, RTL, emoji), invalid UTF-8 bytes; or the
/// whole body replaced (non-object JSON, empty, not JSON).
/// </summary>
public sealed class BodyMutator(RequestScope scope, RawJson raw)
{
    private static readonly string[] FieldNames =
    [
        "body", "msgtype", "type", "content", "name", "topic", "displayname", "avatar_url", "limit", "timeout",
        "room_id", "user_id", "event_id", "state_key", "membership", "reason", "visibility", "preset", "invite",
        "initial_state", "creation_content", "power_level_content_override", "m.relates_to", "filter", "device_id",
        "presence", "status_msg", "typing", "order", "ts", "score", "users", "events", "keys", "one_time_keys",
    ];

    private delegate void Slot(JsonNode? value);

    public (byte[] Body, string Description) Mutate(JsonNode? valid)
    {
        var root = new JsonObject { ["root"] = valid };
        var kind = scope.Random.Next(13);
        switch (kind)
        {
            case 9:
                return (Encoding.UTF8.GetBytes(scope.Pick(HostileValues.NonObjectBodies)), "body non-object");
            case 10:
                return ([], "body empty");
            case 11:
                return (Encoding.UTF8.GetBytes(scope.Pick(HostileValues.InvalidJsonBodies)), "body invalid JSON");
        }

        var (slot, where) = PickSlot(root);
        var description = kind switch
        {
            0 => WrongType(slot, where),
            1 => Remove(root, where),
            2 => Extra(root),
            3 => Raw(slot, scope.Pick(HostileValues.HugeNumbers), "huge number", where),
            4 => Raw(slot, scope.Pick(HostileValues.NegativeNumbers), "negative number", where),
            5 => Nesting(slot, where),
            6 => LongString(slot, where),
            7 => Raw(slot, scope.Pick(HostileValues.UnicodeStrings), "unicode", where),
            8 => InvalidUtf8(slot, where),
            _ => UnicodeKey(root),
        };
        return (raw.Serialize(root["root"]), "body " + description);
    }

    private (Slot Slot, string Where) PickSlot(JsonObject root)
    {
        var slots = new List<(Slot, string)>();
        Collect(root, "", slots);
        if (slots.Count > 1 && root["root"] is JsonObject { Count: > 0 })
        {
            slots.RemoveAt(0); // prefer a field over replacing the whole body
        }

        if (root["root"] is JsonObject top && scope.Chance(0.3))
        {
            var name = scope.Pick(FieldNames);
            return (value => top[name] = value, name);
        }

        return scope.Pick(slots);
    }

    private static void Collect(JsonNode? node, string path, List<(Slot, string)> slots)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o.ToList())
                {
                    var where = path.Length == 0 ? "" : path + "." + key;
                    slots.Add((v => o[key] = v, where.Length == 0 ? "(body)" : where));
                    Collect(value, path.Length == 0 ? "$" : where, slots);
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    var index = i;
                    slots.Add((v => a[index] = v, $"{path}[{i}]"));
                    Collect(a[i], $"{path}[{i}]", slots);
                }

                break;
        }
    }

    private string WrongType(Slot slot, string where)
    {
        var value = scope.Random.Next(6) switch
        {
            0 => JsonValue.Create(12345),
            1 => JsonValue.Create(true),
            2 => new JsonArray(JsonValue.Create("x")),
            3 => new JsonObject { ["x"] = 1 },
            4 => JsonValue.Create("string"),
            _ => (JsonNode?)null,
        };
        slot(value);
        return $"wrong type {where}={value?.ToJsonString() ?? "null"}";
    }

    private string Remove(JsonObject root, string where)
    {
        if (root["root"] is JsonObject top && top.Count > 0)
        {
            var key = scope.Pick(top.Select(p => p.Key).ToList());
            top.Remove(key);
            return "missing " + key;
        }

        root["root"] = new JsonObject();
        return "missing everything at " + where;
    }

    private string Extra(JsonObject root)
    {
        var target = root["root"] as JsonObject ?? new JsonObject();
        root["root"] = target;
        var name = scope.Chance(0.5) ? scope.Pick(FieldNames) : scope.Word("extra");
        target[name] = scope.Random.Next(3) switch
        {
            0 => JsonValue.Create(scope.Word()),
            1 => new JsonObject { ["nested"] = new JsonArray(1, 2, 3) },
            _ => JsonValue.Create(-7),
        };
        return "extra " + name;
    }

    private string Raw(Slot slot, string token, string what, string where)
    {
        slot(JsonValue.Create(raw.Placeholder(token)));
        return $"{what} {where}={(token.Length > 40 ? token[..40] + "..." : token)}";
    }

    private string Nesting(Slot slot, string where)
    {
        var depth = scope.Pick([20, 63, 65, 200, 20_000]);
        var objects = scope.Chance(0.5);
        slot(JsonValue.Create(raw.Placeholder(HostileValues.Nested(depth, objects))));
        return $"nesting {depth} {(objects ? "objects" : "arrays")} at {where}";
    }

    private string LongString(Slot slot, string where)
    {
        var text = HostileValues.LongString(scope.Random);
        slot(JsonValue.Create(text));
        return $"long string ({text.Length}) at {where}";
    }

    private string InvalidUtf8(Slot slot, string where)
    {
        var bad = scope.Pick(HostileValues.InvalidUtf8);
        slot(JsonValue.Create(raw.Placeholder([(byte)'"', (byte)'a', .. bad, (byte)'b', (byte)'"'])));
        return $"invalid UTF-8 {Convert.ToHexString(bad)} at {where}";
    }

    private string UnicodeKey(JsonObject root)
    {
        var target = root["root"] as JsonObject ?? new JsonObject();
        root["root"] = target;
        var token = scope.Pick(HostileValues.UnicodeStrings);
        target[raw.Placeholder(token)] = JsonValue.Create("v");
        return "unicode key " + token;
    }
}
