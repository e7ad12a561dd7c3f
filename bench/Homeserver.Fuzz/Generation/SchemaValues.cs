using System.Text.Json.Nodes;
using Homeserver.Fuzz.Spec;

namespace Homeserver.Fuzz.Generation;

/// <summary>
/// Valid values for a JSON schema of the spec: required properties always, optional ones at random, enums, formats
/// and identifier-like names filled with the scope's real IDs, the schema's example for free-form objects (event
/// contents). Depth is bounded, so recursive schemas (filters, push conditions) end.
/// </summary>
public sealed class SchemaValues(SpecDocuments documents, RequestScope scope)
{
    private const int MaxDepth = 6;

    public JsonNode? Generate(JsonNode? schema, string? name = null, int depth = 0)
    {
        var node = documents.Follow(schema) as JsonObject;
        if (node is null)
        {
            return name is null ? new JsonObject() : JsonValue.Create(scope.Named(name) ?? scope.Word());
        }

        if (node["allOf"] is JsonArray allOf)
        {
            return Merge(allOf.Select(part => Generate(part, name, depth)));
        }

        if ((node["oneOf"] ?? node["anyOf"]) is JsonArray { Count: > 0 } choices)
        {
            return Generate(choices[scope.Random.Next(choices.Count)], name, depth);
        }

        if (node["const"] is { } constant)
        {
            return constant.DeepClone();
        }

        if (node["enum"] is JsonArray { Count: > 0 } values)
        {
            return values[scope.Random.Next(values.Count)]?.DeepClone();
        }

        return TypeOf(node) switch
        {
            "object" => Object(node, depth),
            "array" => Array(node, name, depth),
            "integer" => Integer(node, name),
            "number" => JsonValue.Create(Math.Round(scope.Random.NextDouble() * 100, 2)),
            "boolean" => JsonValue.Create(scope.Chance(0.5)),
            "null" => null,
            _ => JsonValue.Create(String(node, name)),
        };
    }

    private static string TypeOf(JsonObject node) => node["type"] switch
    {
        JsonValue value => value.GetValue<string>(),
        JsonArray types => types.Select(t => t?.GetValue<string>()).FirstOrDefault(t => t is not "null") ?? "null",
        _ => node["properties"] is not null || node["additionalProperties"] is not null ? "object" : "string",
    };

    private JsonNode? Object(JsonObject node, int depth)
    {
        var properties = node["properties"] as JsonObject;
        if (properties is null && node["example"] is JsonObject example && scope.Chance(0.8))
        {
            return example.DeepClone();
        }

        var result = new JsonObject();
        if (depth >= MaxDepth)
        {
            return result;
        }

        var required = (node["required"] as JsonArray ?? []).Select(r => r?.GetValue<string>()).ToHashSet();
        foreach (var (key, schema) in properties ?? [])
        {
            if (required.Contains(key) || scope.Chance(0.5))
            {
                result[key] = Generate(schema, key, depth + 1);
            }
        }

        if (node["patternProperties"] is JsonObject patterns && patterns.Count > 0 && scope.Chance(0.7))
        {
            var (pattern, schema) = patterns.ElementAt(scope.Random.Next(patterns.Count));
            result[KeyFor(pattern)] = Generate(schema, null, depth + 1);
        }
        else if (node["additionalProperties"] is JsonObject additional && scope.Chance(0.5))
        {
            result[scope.Word("k")] = Generate(additional, null, depth + 1);
        }

        return result;
    }

    private string KeyFor(string pattern) => pattern switch
    {
        _ when pattern.StartsWith("^@", StringComparison.Ordinal) => scope.UserId(),
        _ when pattern.StartsWith("^!", StringComparison.Ordinal) => scope.Room.RoomId,
        _ when pattern.StartsWith("^\\$", StringComparison.Ordinal) => scope.EventId(),
        _ => scope.Word("k"),
    };

    private JsonArray Array(JsonObject node, string? name, int depth)
    {
        var result = new JsonArray();
        if (depth >= MaxDepth)
        {
            return result;
        }

        var minimum = node["minItems"] is JsonValue min ? (int)min.GetValue<long>() : 0;
        var count = Math.Max(minimum, scope.Random.Next(0, 3));
        for (var i = 0; i < count; i++)
        {
            result.Add(Generate(node["items"] ?? new JsonObject { ["type"] = "string" }, Singular(name), depth + 1));
        }

        return result;
    }

    private static string? Singular(string? name) => name switch
    {
        "rooms" or "not_rooms" or "room_ids" => "room_id",
        "senders" or "not_senders" or "user_ids" or "users" or "invite" => "user_id",
        "event_ids" => "event_id",
        "devices" => "device_id",
        _ => null,
    };

    private JsonValue Integer(JsonObject node, string? name)
    {
        var low = node["minimum"] is JsonValue min ? (long)min.GetValue<double>() : 0;
        var high = node["maximum"] is JsonValue max ? (long)max.GetValue<double>() : low + 100;
        if (name is "limit")
        {
            high = Math.Min(high, low + 30);
        }
        else if (name is "timeout")
        {
            high = Math.Min(high, 1000);
        }

        return JsonValue.Create(scope.Random.NextInt64(low, Math.Max(low, high) + 1));
    }

    private string String(JsonObject node, string? name)
    {
        var byFormat = node["format"]?.GetValue<string>() switch
        {
            "mx-user-id" => scope.UserId(),
            "mx-room-id" => scope.Named("room_id"),
            "mx-event-id" => scope.EventId(),
            "mx-room-alias" => scope.RoomAlias(),
            "mx-server-name" => scope.Context.ServerName,
            "mx-mxc-uri" => $"mxc://{scope.Context.ServerName}/{scope.Word("media")}",
            "uri" => "https://example.org/" + scope.Word(),
            _ => null,
        };
        if (byFormat is not null)
        {
            return byFormat;
        }

        if (name is not null && scope.Named(name) is { } named)
        {
            return named;
        }

        if (node["pattern"]?.GetValue<string>() is { } pattern)
        {
            var byPattern = pattern switch
            {
                "^@" => scope.UserId(),
                "^!" => scope.Room.RoomId,
                "^\\$" => scope.EventId(),
                "^#" => scope.RoomAlias(),
                _ => null,
            };
            if (byPattern is not null)
            {
                return byPattern;
            }
        }

        return node["example"] is JsonValue example && example.TryGetValue<string>(out var text) && scope.Chance(0.6)
            ? text
            : scope.Word("s");
    }

    private static JsonNode Merge(IEnumerable<JsonNode?> parts)
    {
        var merged = new JsonObject();
        foreach (var part in parts)
        {
            if (part is not JsonObject o)
            {
                if (part is not null && merged.Count == 0)
                {
                    return part;
                }

                continue;
            }

            foreach (var (key, value) in o.ToList())
            {
                merged[key] = value?.DeepClone();
            }
        }

        return merged;
    }
}
