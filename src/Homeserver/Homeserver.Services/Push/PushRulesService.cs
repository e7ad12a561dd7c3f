using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Core.Push;
using Homeserver.Services.Accounts;
using Homeserver.Services.Shared;

namespace Homeserver.Services.Push;

/// <summary>
/// A user's push rules as clients read them: the spec's server-default rules for the user, merged with the
/// user's own rules kept in <c>m.push_rules</c> account data (written by the push rule endpoints). Stored rules that
/// cannot be served (<see cref="StoredJson"/>) are left out, leaving the defaults.
/// </summary>
public sealed class PushRulesService(IAccountDataStore accountData, StoredJson storedJson)
{
    public const string AccountDataType = "m.push_rules";

    /// <summary>GET /pushrules/: <c>{"global": {override, content, room, sender, underride}}</c>.</summary>
    public async Task<JsonObject> GetAllAsync(UserId userId, CancellationToken cancellationToken) =>
        new() { ["global"] = ToJson(await GetRuleSetAsync(userId, cancellationToken)) };

    public async Task<JsonObject> GetGlobalAsync(UserId userId, CancellationToken cancellationToken) =>
        ToJson(await GetRuleSetAsync(userId, cancellationToken));

    /// <summary>GET /pushrules/global/{kind}/{ruleId}: one rule, 404 M_NOT_FOUND when there is none.</summary>
    public async Task<JsonObject> GetRuleAsync(UserId userId, string kind, string ruleId,
        CancellationToken cancellationToken)
    {
        var parsed = ParseKind(kind);
        return ToJson(await FindRuleAsync(userId, parsed, ruleId, cancellationToken), parsed);
    }

    /// <summary>One rule of the user's merged set, 404 M_NOT_FOUND when there is none.</summary>
    public async Task<PushRule> FindRuleAsync(UserId userId, PushRuleKind kind, string ruleId,
        CancellationToken cancellationToken) =>
        (await GetRuleSetAsync(userId, cancellationToken)).Of(kind).FirstOrDefault(r => r.RuleId == ruleId)
        ?? throw new MatrixException(ErrorCode.NotFound, "Push rule not found");

    /// <summary>A kind as named in paths; 400 M_INVALID_PARAM for any other name.</summary>
    public static PushRuleKind ParseKind(string kind)
    {
        var parsed = PushRuleSet.KindNames.FirstOrDefault(k => k.Value == kind);
        return parsed.Value is null
            ? throw new MatrixException(ErrorCode.InvalidParam, $"Unknown push rule kind '{kind}'")
            : parsed.Key;
    }

    public async Task<PushRuleSet> GetRuleSetAsync(UserId userId, CancellationToken cancellationToken) =>
        RuleSetOf(userId.Value, await accountData.GetAsync(userId, null, AccountDataType, cancellationToken), storedJson);

    /// <summary>The spec's defaults for the user merged with their stored <c>m.push_rules</c> (null: none stored);
    /// stored rules that cannot be served leave the defaults.</summary>
    public static PushRuleSet RuleSetOf(string userId, string? stored, StoredJson storedJson)
    {
        ArgumentNullException.ThrowIfNull(storedJson);
        var defaults = DefaultPushRules.For(userId);
        return stored is not null &&
               storedJson.ParseObject(stored, "account data", AccountDataType, userId) is { } rules &&
               rules["global"] is { } global
            ? DefaultPushRules.Merge(defaults, PushRuleSet.FromJson(JsonSerializer.SerializeToElement(global)))
            : defaults;
    }

    internal static JsonObject ToJson(PushRuleSet rules)
    {
        var global = new JsonObject();
        foreach (var (kind, name) in PushRuleSet.KindNames)
        {
            global[name] = new JsonArray(rules.Of(kind).Select(r => (JsonNode?)ToJson(r, kind)).ToArray());
        }

        return global;
    }

    internal static JsonObject ToJson(PushRule rule, PushRuleKind kind)
    {
        var json = new JsonObject
        {
            ["rule_id"] = rule.RuleId,
            ["default"] = rule.Default,
            ["enabled"] = rule.Enabled,
            ["actions"] = new JsonArray(rule.Actions.Select(a => a?.DeepClone()).ToArray()),
        };
        if (kind is PushRuleKind.Override or PushRuleKind.Underride)
        {
            json["conditions"] = new JsonArray(rule.Conditions.Select(c => (JsonNode?)ToJson(c)).ToArray());
        }

        if (rule.Pattern is not null)
        {
            json["pattern"] = rule.Pattern;
        }

        return json;
    }

    private static JsonObject ToJson(PushCondition condition)
    {
        var json = new JsonObject { ["kind"] = condition.Kind };
        if (condition.Key is not null)
        {
            json["key"] = condition.Key;
        }

        if (condition.Pattern is not null)
        {
            json["pattern"] = condition.Pattern;
        }

        if (condition.Value is { } value)
        {
            json["value"] = JsonNode.Parse(value.GetRawText());
        }

        if (condition.Is is not null)
        {
            json["is"] = condition.Is;
        }

        return json;
    }
}
