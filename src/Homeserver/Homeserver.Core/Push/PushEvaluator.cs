using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Homeserver.Core.Push;

/// <summary>What the evaluator needs to know about the room and the user, supplied by the caller.</summary>
/// <param name="UserId">The user whose rules are evaluated.</param>
/// <param name="DisplayName">The user's display name in the room, if any.</param>
/// <param name="RoomMemberCount">The number of joined members.</param>
/// <param name="SenderMayNotify">Whether the sender has the power level for a notification kind (e.g. "room").</param>
public sealed record PushContext(string UserId, string? DisplayName, int RoomMemberCount,
    Func<string, bool> SenderMayNotify);

/// <summary>The first matching rule and its actions, or no match (no notification).</summary>
public sealed record PushResult(PushRuleKind? Kind, string? RuleId, IReadOnlyList<JsonNode?> Actions)
{
    public static readonly PushResult NoMatch = new(null, null, []);

    public bool Notify => Actions.Any(a => a is JsonValue v && v.TryGetValue<string>(out var s) && s == "notify");

    /// <summary>The tweaks set by the actions; <c>highlight</c> without a value means true.</summary>
    public IReadOnlyDictionary<string, JsonNode?> Tweaks
    {
        get
        {
            var tweaks = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
            foreach (var action in Actions.OfType<JsonObject>())
            {
                if (action["set_tweak"] is JsonValue name && name.TryGetValue<string>(out var tweak))
                {
                    tweaks[tweak] = action.TryGetPropertyValue("value", out var value)
                        ? value?.DeepClone()
                        : tweak == "highlight" ? JsonValue.Create(true) : null;
                }
            }

            return tweaks;
        }
    }

    public bool Highlight => Tweaks.TryGetValue("highlight", out var value) && value is JsonValue v &&
                             v.TryGetValue<bool>(out var highlight) && highlight;
}

/// <summary>
/// Evaluates a user's push rules against an event (client-server API, "Push Rules"): kinds in order
/// override, content, room, sender, underride; the first enabled matching rule decides.
/// </summary>
public static class PushEvaluator
{
    /// <summary>Rules the spec says apply only to events without <c>m.mentions</c>.</summary>
    private static readonly HashSet<string> LegacyMentionRules =
        [".m.rule.contains_display_name", ".m.rule.roomnotif", ".m.rule.contains_user_name"];

    public static PushResult Evaluate(PushRuleSet rules, JsonElement clientEvent, PushContext context)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(context);
        if (Text(clientEvent, "sender") == context.UserId)
        {
            return PushResult.NoMatch;
        }

        var hasMentions = PropertyPath.Resolve(clientEvent, "content.m\\.mentions") is not null;
        foreach (var kind in Enum.GetValues<PushRuleKind>())
        {
            foreach (var rule in rules.Of(kind))
            {
                if (!rule.Enabled || (hasMentions && LegacyMentionRules.Contains(rule.RuleId)))
                {
                    continue;
                }

                if (Matches(kind, rule, clientEvent, context))
                {
                    return new PushResult(kind, rule.RuleId, WithoutHistoricalActions(rule.Actions));
                }
            }
        }

        return PushResult.NoMatch;
    }

    private static bool Matches(PushRuleKind kind, PushRule rule, JsonElement clientEvent, PushContext context) =>
        kind switch
        {
            PushRuleKind.Content => rule.Pattern is { } pattern && Text(clientEvent, "content", "body") is { } body &&
                                    GlobMatcher.MatchesWords(pattern, body),
            PushRuleKind.Room => Text(clientEvent, "room_id") == rule.RuleId,
            PushRuleKind.Sender => Text(clientEvent, "sender") == rule.RuleId,
            _ => rule.Conditions.All(condition => ConditionMatches(condition, clientEvent, context)),
        };

    private static bool ConditionMatches(PushCondition condition, JsonElement clientEvent, PushContext context)
    {
        switch (condition.Kind)
        {
            case "event_match":
                if (condition.Key is null || condition.Pattern is null ||
                    PropertyPath.Resolve(clientEvent, condition.Key) is not { ValueKind: JsonValueKind.String } value)
                {
                    return false;
                }

                return condition.Key == "content.body"
                    ? GlobMatcher.MatchesWords(condition.Pattern, value.GetString()!)
                    : GlobMatcher.MatchesWholeValue(condition.Pattern, value.GetString()!);
            case "event_property_is":
                return condition.Key is not null && condition.Value is { } expected &&
                       PropertyPath.Resolve(clientEvent, condition.Key) is { } actual && ScalarEquals(actual, expected);
            case "event_property_contains":
                return condition.Key is not null && condition.Value is { } wanted &&
                       PropertyPath.Resolve(clientEvent, condition.Key) is { ValueKind: JsonValueKind.Array } array &&
                       array.EnumerateArray().Any(item => ScalarEquals(item, wanted));
            case "contains_display_name":
                return !string.IsNullOrEmpty(context.DisplayName) &&
                       Text(clientEvent, "content", "body") is { } text &&
                       GlobMatcher.ContainsWords(context.DisplayName, text);
            case "room_member_count":
                return condition.Is is { } comparison && MemberCountMatches(comparison, context.RoomMemberCount);
            case "sender_notification_permission":
                return condition.Key is { } key && context.SenderMayNotify(key);
            default:
                return false;
        }
    }

    /// <summary>Exact equality of non-compound values: strings, integers, booleans, null; no casting.</summary>
    private static bool ScalarEquals(JsonElement actual, JsonElement expected) =>
        (actual.ValueKind, expected.ValueKind) switch
        {
            (JsonValueKind.String, JsonValueKind.String) => actual.GetString() == expected.GetString(),
            (JsonValueKind.Number, JsonValueKind.Number) => actual.TryGetInt64(out var a) && expected.TryGetInt64(out var b) && a == b,
            (JsonValueKind.True, JsonValueKind.True) or (JsonValueKind.False, JsonValueKind.False) => true,
            (JsonValueKind.Null, JsonValueKind.Null) => true,
            _ => false,
        };

    private static bool MemberCountMatches(string comparison, int count)
    {
        var op = comparison.StartsWith(">=", StringComparison.Ordinal) || comparison.StartsWith("<=", StringComparison.Ordinal) ||
                 comparison.StartsWith("==", StringComparison.Ordinal)
            ? comparison[..2]
            : comparison.StartsWith('<') || comparison.StartsWith('>') ? comparison[..1] : "";
        if (!int.TryParse(comparison[op.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        return op switch
        {
            "<" => count < number,
            ">" => count > number,
            ">=" => count >= number,
            "<=" => count <= number,
            _ => count == number,
        };
    }

    private static List<JsonNode?> WithoutHistoricalActions(IReadOnlyList<JsonNode?> actions) =>
        actions.Where(a => !(a is JsonValue v && v.TryGetValue<string>(out var s) && s is "dont_notify" or "coalesce"))
            .Select(a => a?.DeepClone())
            .ToList();

    private static string? Text(JsonElement json, params string[] path)
    {
        var current = json;
        foreach (var part in path)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(part, out current))
            {
                return null;
            }
        }

        return current.ValueKind == JsonValueKind.String ? current.GetString() : null;
    }
}
