using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Push;

namespace Homeserver.Services.Push;

/// <summary>
/// Checks what clients send to the push rule endpoints. Path and query values that are wrong (rule IDs, kinds,
/// before/after) are 400 M_INVALID_PARAM; a body of the wrong shape is 400 M_BAD_JSON.
/// </summary>
public static class PushRuleInput
{
    private static readonly HashSet<string> ActionNames = new(StringComparer.Ordinal) { "notify", "dont_notify", "coalesce" };

    /// <summary>A rule ID a user may create: not reserved for server defaults ('.') and without slashes.</summary>
    public static void CheckUserRuleId(string ruleId)
    {
        if (ruleId.StartsWith('.'))
        {
            throw new MatrixException(ErrorCode.InvalidParam, "Rule IDs starting with '.' are reserved for server-default rules");
        }

        if (ruleId.Length == 0 || ruleId.Contains('/', StringComparison.Ordinal) || ruleId.Contains('\\', StringComparison.Ordinal))
        {
            throw new MatrixException(ErrorCode.InvalidParam, "Rule IDs must not be empty or contain '/' or '\\'");
        }
    }

    /// <summary>The body of PUT /pushrules/global/{kind}/{ruleId} as a new, enabled rule.</summary>
    public static PushRule ReadRule(PushRuleKind kind, string ruleId, JsonElement body)
    {
        var actions = ReadActions(body);
        var rule = new PushRule(ruleId, Enabled: true, Default: false, actions);
        switch (kind)
        {
            case PushRuleKind.Override or PushRuleKind.Underride:
                return rule with { Conditions = ReadConditions(body) };
            case PushRuleKind.Content:
                return body.TryGetProperty("pattern", out var pattern) && pattern.ValueKind == JsonValueKind.String &&
                       pattern.GetString()!.Length > 0
                    ? rule with { Pattern = pattern.GetString() }
                    : throw new MatrixException(ErrorCode.BadJson, "Content rules need a non-empty string 'pattern'");
            default:
                return rule;
        }
    }

    /// <summary>The <c>actions</c> array of a body: "notify" (or the legacy "dont_notify", "coalesce") and
    /// <c>{"set_tweak": name, "value": ...}</c> objects.</summary>
    public static IReadOnlyList<JsonNode?> ReadActions(JsonElement body)
    {
        if (!body.TryGetProperty("actions", out var actions) || actions.ValueKind != JsonValueKind.Array)
        {
            throw new MatrixException(ErrorCode.BadJson, "'actions' must be an array");
        }

        var result = new List<JsonNode?>();
        foreach (var action in actions.EnumerateArray())
        {
            var valid = action.ValueKind switch
            {
                JsonValueKind.String => ActionNames.Contains(action.GetString()!),
                JsonValueKind.Object => action.TryGetProperty("set_tweak", out var tweak) &&
                                        tweak.ValueKind == JsonValueKind.String,
                _ => false,
            };
            if (!valid)
            {
                throw new MatrixException(ErrorCode.BadJson, $"Unrecognised action {action.GetRawText()}");
            }

            result.Add(JsonNode.Parse(action.GetRawText()));
        }

        return result;
    }

    /// <summary>The <c>enabled</c> boolean of PUT .../enabled.</summary>
    public static bool ReadEnabled(JsonElement body) =>
        body.TryGetProperty("enabled", out var enabled) && enabled.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? enabled.GetBoolean()
            : throw new MatrixException(ErrorCode.BadJson, "'enabled' must be a boolean");

    private static List<PushCondition> ReadConditions(JsonElement body)
    {
        if (!body.TryGetProperty("conditions", out var conditions))
        {
            return [];
        }

        if (conditions.ValueKind != JsonValueKind.Array)
        {
            throw new MatrixException(ErrorCode.BadJson, "'conditions' must be an array");
        }

        return conditions.EnumerateArray().Select(ReadCondition).ToList();
    }

    private static PushCondition ReadCondition(JsonElement condition)
    {
        if (condition.ValueKind != JsonValueKind.Object || !condition.TryGetProperty("kind", out var kind) ||
            kind.ValueKind != JsonValueKind.String)
        {
            throw new MatrixException(ErrorCode.BadJson, "Each condition must be an object with a string 'kind'");
        }

        // Conditions of kinds the spec does not define are kept (they never match), as Synapse does.
        string[] required = kind.GetString() switch
        {
            "event_match" => ["key", "pattern"],
            "event_property_is" or "event_property_contains" or "sender_notification_permission" => ["key"],
            "room_member_count" => ["is"],
            _ => [],
        };
        foreach (var name in required)
        {
            if (!condition.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String)
            {
                throw new MatrixException(ErrorCode.BadJson, $"A '{kind.GetString()}' condition needs a string '{name}'");
            }
        }

        if (kind.GetString() is "event_property_is" or "event_property_contains" &&
            (!condition.TryGetProperty("value", out var operand) ||
             operand.ValueKind is JsonValueKind.Object or JsonValueKind.Array or JsonValueKind.Undefined ||
             (operand.ValueKind == JsonValueKind.Number && !operand.TryGetInt64(out _))))
        {
            throw new MatrixException(ErrorCode.BadJson,
                $"A '{kind.GetString()}' condition needs a 'value' that is a string, an integer, a boolean or null");
        }

        return PushCondition.FromJson(condition);
    }
}
