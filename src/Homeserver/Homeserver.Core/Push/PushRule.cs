using System.Text.Json;
using System.Text.Json.Nodes;

namespace Homeserver.Core.Push;

/// <summary>The kinds of push rule, in the order they are checked.</summary>
public enum PushRuleKind
{
    Override,
    Content,
    Room,
    Sender,
    Underride,
}

/// <summary>One condition of an override or underride rule; unknown kinds never match.</summary>
public sealed record PushCondition(string Kind)
{
    public string? Key { get; init; }

    public string? Pattern { get; init; }

    /// <summary>The value of <c>event_property_is</c> / <c>event_property_contains</c>.</summary>
    public JsonElement? Value { get; init; }

    /// <summary>The comparison of <c>room_member_count</c>, e.g. <c>"&gt;=10"</c>.</summary>
    public string? Is { get; init; }

    /// <summary>One object shared by many users' rule sets (a default condition not naming the user): evaluation
    /// checks it once per event rather than once per user.</summary>
    internal bool Shared { get; init; }

    public static PushCondition FromJson(JsonElement json)
    {
        string? Text(string name) =>
            json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        return new PushCondition(Text("kind") ?? "")
        {
            Key = Text("key"),
            Pattern = Text("pattern"),
            Value = json.TryGetProperty("value", out var v) ? v.Clone() : null,
            Is = Text("is"),
        };
    }
}

/// <summary>A push rule: when it matches (conditions, pattern or rule ID) and what it does (actions).</summary>
public sealed record PushRule(string RuleId, bool Enabled, bool Default, IReadOnlyList<JsonNode?> Actions)
{
    public IReadOnlyList<PushCondition> Conditions { get; init; } = [];

    /// <summary>The glob a content rule matches against <c>content.body</c>.</summary>
    public string? Pattern { get; init; }

    /// <summary>A default content rule shared by many users' rule sets (one not naming the user).</summary>
    internal bool Shared { get; init; }

    public static PushRule FromJson(JsonElement json)
    {
        var actions = json.TryGetProperty("actions", out var a) && a.ValueKind == JsonValueKind.Array
            ? a.EnumerateArray().Select(action => JsonNode.Parse(action.GetRawText())).ToList()
            : [];
        return new PushRule(
            json.TryGetProperty("rule_id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString()! : "",
            !json.TryGetProperty("enabled", out var enabled) || enabled.ValueKind != JsonValueKind.False,
            json.TryGetProperty("default", out var isDefault) && isDefault.ValueKind == JsonValueKind.True,
            actions)
        {
            Conditions = json.TryGetProperty("conditions", out var c) && c.ValueKind == JsonValueKind.Array
                ? c.EnumerateArray().Select(PushCondition.FromJson).ToList()
                : [],
            Pattern = json.TryGetProperty("pattern", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null,
        };
    }
}

/// <summary>A user's rules by kind, each list in priority order.</summary>
public sealed record PushRuleSet(IReadOnlyDictionary<PushRuleKind, IReadOnlyList<PushRule>> Rules)
{
    public static readonly IReadOnlyDictionary<PushRuleKind, string> KindNames = new Dictionary<PushRuleKind, string>
    {
        [PushRuleKind.Override] = "override",
        [PushRuleKind.Content] = "content",
        [PushRuleKind.Room] = "room",
        [PushRuleKind.Sender] = "sender",
        [PushRuleKind.Underride] = "underride",
    };

    public IReadOnlyList<PushRule> Of(PushRuleKind kind) => Rules.TryGetValue(kind, out var rules) ? rules : [];

    /// <summary>Reads the <c>global</c> object of <c>m.push_rules</c> account data.</summary>
    public static PushRuleSet FromJson(JsonElement global)
    {
        var rules = new Dictionary<PushRuleKind, IReadOnlyList<PushRule>>();
        foreach (var (kind, name) in KindNames)
        {
            rules[kind] = global.ValueKind == JsonValueKind.Object && global.TryGetProperty(name, out var list) &&
                          list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Select(PushRule.FromJson).ToList()
                : [];
        }

        return new PushRuleSet(rules);
    }
}
