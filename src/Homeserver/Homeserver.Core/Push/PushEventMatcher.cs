using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Homeserver.Core.Push;

/// <summary>
/// One event evaluated against the push rules of many users (every member of a room). What does not depend on the
/// user is worked out once per event: a condition object shared by several users' rule sets (the defaults share all
/// conditions not naming the user) is checked once, property paths are resolved once, and display names and content
/// patterns without wildcards are matched as text rather than compiled into patterns. Not thread-safe: one per event.
/// </summary>
public sealed class PushEventMatcher
{
    /// <summary>Rules the spec says apply only to events without <c>m.mentions</c>.</summary>
    private static readonly HashSet<string> LegacyMentionRules =
        [".m.rule.contains_display_name", ".m.rule.roomnotif", ".m.rule.contains_user_name"];

    private static readonly PushRuleKind[] Kinds = Enum.GetValues<PushRuleKind>();

    private readonly JsonElement _event;
    private readonly int _roomMemberCount;
    private readonly Func<string, bool> _senderMayNotify;
    private readonly string? _sender;
    private readonly string? _roomId;
    private readonly string? _body;
    private readonly bool _hasMentions;
    private readonly Dictionary<PushCondition, bool> _conditions = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<PushRule, bool> _contentRules = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, JsonElement?> _paths = new(StringComparer.Ordinal);
    private readonly Dictionary<PushRule, IReadOnlyList<JsonNode?>> _actions = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, bool> _senderPermissions = new(StringComparer.Ordinal);
    // By value: conditions naming the user (invite_for_me's) are separate objects per user but mostly share their
    // other event_match conditions.
    private readonly Dictionary<(string Key, string Pattern), bool> _eventMatches = new();

    public PushEventMatcher(JsonElement clientEvent, int roomMemberCount, Func<string, bool> senderMayNotify)
    {
        ArgumentNullException.ThrowIfNull(senderMayNotify);
        _event = clientEvent;
        _roomMemberCount = roomMemberCount;
        _senderMayNotify = senderMayNotify;
        _sender = Text(clientEvent, "sender");
        _roomId = Text(clientEvent, "room_id");
        _body = Resolve("content.body") is { ValueKind: JsonValueKind.String } body ? body.GetString() : null;
        _hasMentions = Resolve("content.m\\.mentions") is not null;
    }

    /// <summary>
    /// The first enabled matching rule of <paramref name="rules"/> for <paramref name="userId"/> (whose display name
    /// in the room is <paramref name="displayName"/>). The result's actions are shared between users: do not modify.
    /// </summary>
    public PushResult Evaluate(PushRuleSet rules, string userId, string? displayName)
    {
        ArgumentNullException.ThrowIfNull(rules);
        if (_sender == userId)
        {
            return PushResult.NoMatch;
        }

        foreach (var kind in Kinds)
        {
            var ofKind = rules.Of(kind);
            for (var i = 0; i < ofKind.Count; i++) // indexed: no enumerator per user and kind
            {
                var rule = ofKind[i];
                if (!rule.Enabled || (_hasMentions && LegacyMentionRules.Contains(rule.RuleId)))
                {
                    continue;
                }

                if (Matches(kind, rule, displayName))
                {
                    return new PushResult(kind, rule.RuleId, ActionsOf(rule));
                }
            }
        }

        return PushResult.NoMatch;
    }

    private bool Matches(PushRuleKind kind, PushRule rule, string? displayName)
    {
        switch (kind)
        {
            case PushRuleKind.Content:
                if (rule.Pattern is not { } pattern || _body is null)
                {
                    return false;
                }

                if (!rule.Shared)
                {
                    return GlobMatcher.MatchesWords(pattern, _body);
                }

                if (!_contentRules.TryGetValue(rule, out var matched))
                {
                    matched = GlobMatcher.MatchesWords(pattern, _body);
                    _contentRules[rule] = matched;
                }

                return matched;
            case PushRuleKind.Room:
                return _roomId == rule.RuleId;
            case PushRuleKind.Sender:
                return _sender == rule.RuleId;
            default:
                var conditions = rule.Conditions;
                for (var i = 0; i < conditions.Count; i++)
                {
                    if (!ConditionMatches(conditions[i], displayName))
                    {
                        return false;
                    }
                }

                return true;
        }
    }

    private bool ConditionMatches(PushCondition condition, string? displayName)
    {
        if (condition.Kind == "contains_display_name")
        {
            // Display names are nearly all distinct: matched directly (as text, no pattern compiled).
            return !string.IsNullOrEmpty(displayName) && _body is not null &&
                   GlobMatcher.ContainsWords(displayName, _body);
        }

        if (!condition.Shared)
        {
            return EventConditionMatches(condition);
        }

        if (!_conditions.TryGetValue(condition, out var matches))
        {
            matches = EventConditionMatches(condition);
            _conditions[condition] = matches;
        }

        return matches;
    }

    private bool EventConditionMatches(PushCondition condition)
    {
        switch (condition.Kind)
        {
            case "event_match":
                if (condition.Key is null || condition.Pattern is null ||
                    Resolve(condition.Key) is not { ValueKind: JsonValueKind.String } value)
                {
                    return false;
                }

                if (!_eventMatches.TryGetValue((condition.Key, condition.Pattern), out var matched))
                {
                    matched = condition.Key == "content.body"
                        ? GlobMatcher.MatchesWords(condition.Pattern, value.GetString()!)
                        : GlobMatcher.MatchesWholeValue(condition.Pattern, value.GetString()!);
                    _eventMatches[(condition.Key, condition.Pattern)] = matched;
                }

                return matched;
            case "event_property_is":
                return condition.Key is not null && condition.Value is { } expected &&
                       Resolve(condition.Key) is { } actual && ScalarEquals(actual, expected);
            case "event_property_contains":
                return condition.Key is not null && condition.Value is { } wanted &&
                       Resolve(condition.Key) is { ValueKind: JsonValueKind.Array } array &&
                       array.EnumerateArray().Any(item => ScalarEquals(item, wanted));
            case "room_member_count":
                return condition.Is is { } comparison && MemberCountMatches(comparison, _roomMemberCount);
            case "sender_notification_permission":
                if (condition.Key is not { } key)
                {
                    return false;
                }

                if (!_senderPermissions.TryGetValue(key, out var may))
                {
                    may = _senderMayNotify(key);
                    _senderPermissions[key] = may;
                }

                return may;
            default:
                return false;
        }
    }

    private IReadOnlyList<JsonNode?> ActionsOf(PushRule rule)
    {
        if (!_actions.TryGetValue(rule, out var actions))
        {
            actions = rule.Actions
                .Where(a => !(a is JsonValue v && v.TryGetValue<string>(out var s) && s is "dont_notify" or "coalesce"))
                .Select(a => a?.DeepClone())
                .ToList();
            _actions[rule] = actions;
        }

        return actions;
    }

    private JsonElement? Resolve(string path)
    {
        if (!_paths.TryGetValue(path, out var value))
        {
            value = PropertyPath.Resolve(_event, path);
            _paths[path] = value;
        }

        return value;
    }

    /// <summary>Exact equality of non-compound values: strings, integers, booleans, null; no casting.</summary>
    private static bool ScalarEquals(JsonElement actual, JsonElement expected) =>
        (actual.ValueKind, expected.ValueKind) switch
        {
            (JsonValueKind.String, JsonValueKind.String) => actual.ValueEquals(expected.GetString()),
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

    private static string? Text(JsonElement json, string property) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty(property, out var value) &&
        value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
