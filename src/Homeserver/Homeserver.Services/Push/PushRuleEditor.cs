using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Core.Push;
using Homeserver.Services.Accounts;
using Homeserver.Services.Shared;

namespace Homeserver.Services.Push;

/// <summary>
/// Changes a user's push rules. The whole merged rule set (defaults included, as GET /pushrules/ shows it) is written
/// back as <c>m.push_rules</c> account data, so clients see every change through the account data stream of /sync
/// the way Synapse presents it. Server-default rules cannot be created or deleted; their enabled flag and actions can
/// be changed and are kept as overrides (<see cref="DefaultPushRules.Merge"/> takes only those two from them).
/// </summary>
public sealed class PushRuleEditor(IAccountDataStore accountData, StoredJson storedJson,
    IEnumerable<IAccountDataObserver> observers)
{
    private readonly IAccountDataObserver[] _observers = observers.ToArray();

    /// <summary>PUT /pushrules/global/{kind}/{ruleId}: creates or updates a user rule, placed by before/after.</summary>
    public Task PutRuleAsync(UserId userId, string kind, string ruleId, JsonElement body, string? before, string? after,
        CancellationToken cancellationToken)
    {
        var parsedKind = PushRulesService.ParseKind(kind);
        PushRuleInput.CheckUserRuleId(ruleId);
        var rule = PushRuleInput.ReadRule(parsedKind, ruleId, body);
        foreach (var anchor in new[] { before, after })
        {
            if (anchor is not null && anchor.StartsWith('.'))
            {
                throw new MatrixException(ErrorCode.InvalidParam, "Rules cannot be placed relative to server-default rules");
            }
        }

        return ChangeAsync(userId, parsedKind, list =>
        {
            var existing = list.FindIndex(r => r.RuleId == ruleId);
            if (existing >= 0)
            {
                rule = rule with { Enabled = list[existing].Enabled };
                if (before is null && after is null)
                {
                    list[existing] = rule;
                    return;
                }

                list.RemoveAt(existing);
            }

            list.Insert(Position(list, before, after), rule);
        }, cancellationToken);
    }

    /// <summary>DELETE /pushrules/global/{kind}/{ruleId}: user rules only.</summary>
    public Task DeleteRuleAsync(UserId userId, string kind, string ruleId, CancellationToken cancellationToken)
    {
        var parsedKind = PushRulesService.ParseKind(kind);
        return ChangeAsync(userId, parsedKind, list =>
        {
            var index = list.FindIndex(r => r.RuleId == ruleId);
            if (index < 0)
            {
                throw new MatrixException(ErrorCode.NotFound, "Push rule not found");
            }

            if (list[index].Default || ruleId.StartsWith('.'))
            {
                throw new MatrixException(ErrorCode.InvalidParam, "Server-default rules cannot be deleted");
            }

            list.RemoveAt(index);
        }, cancellationToken);
    }

    /// <summary>PUT /pushrules/global/{kind}/{ruleId}/enabled.</summary>
    public Task SetEnabledAsync(UserId userId, string kind, string ruleId, JsonElement body,
        CancellationToken cancellationToken)
    {
        var parsedKind = PushRulesService.ParseKind(kind);
        var enabled = PushRuleInput.ReadEnabled(body);
        return ChangeRuleAsync(userId, parsedKind, ruleId, r => r with { Enabled = enabled }, cancellationToken);
    }

    /// <summary>PUT /pushrules/global/{kind}/{ruleId}/actions.</summary>
    public Task SetActionsAsync(UserId userId, string kind, string ruleId, JsonElement body,
        CancellationToken cancellationToken)
    {
        var parsedKind = PushRulesService.ParseKind(kind);
        var actions = PushRuleInput.ReadActions(body);
        return ChangeRuleAsync(userId, parsedKind, ruleId, r => r with { Actions = actions }, cancellationToken);
    }

    private Task ChangeRuleAsync(UserId userId, PushRuleKind kind, string ruleId, Func<PushRule, PushRule> change,
        CancellationToken cancellationToken) =>
        ChangeAsync(userId, kind, list =>
        {
            var index = list.FindIndex(r => r.RuleId == ruleId);
            list[index >= 0 ? index : throw new MatrixException(ErrorCode.NotFound, "Push rule not found")] =
                change(list[index]);
        }, cancellationToken);

    /// <summary>
    /// Where a user rule goes: before or after the named user rule (before wins when both are given), else first
    /// among the user's rules of its kind (after <c>.m.rule.master</c>, which always comes first).
    /// </summary>
    private static int Position(List<PushRule> list, string? before, string? after)
    {
        if ((before ?? after) is { } anchor)
        {
            var index = list.FindIndex(r => r.RuleId == anchor && !r.Default);
            return index < 0
                ? throw new MatrixException(ErrorCode.NotFound, $"before/after rule not found: {anchor}")
                : before is not null ? index : index + 1;
        }

        var firstUserRule = list.FindIndex(r => !r.RuleId.StartsWith('.'));
        var firstOtherDefault = list.FindIndex(r => r.RuleId.StartsWith('.') && r.RuleId != ".m.rule.master");
        return firstUserRule >= 0 ? firstUserRule : firstOtherDefault >= 0 ? firstOtherDefault : list.Count;
    }

    /// <summary>One read-modify-write of the stored rules, atomic across processes (no change is lost).</summary>
    private async Task ChangeAsync(UserId userId, PushRuleKind kind, Action<List<PushRule>> change,
        CancellationToken cancellationToken)
    {
        await accountData.UpdateAsync(userId, null, PushRulesService.AccountDataType, stored =>
        {
            var current = PushRulesService.RuleSetOf(userId.Value, stored, storedJson);
            var changed = new Dictionary<PushRuleKind, IReadOnlyList<PushRule>>();
            foreach (var each in Enum.GetValues<PushRuleKind>())
            {
                var list = current.Of(each).ToList();
                if (each == kind)
                {
                    change(list);
                }

                changed[each] = list;
            }

            return new JsonObject { ["global"] = PushRulesService.ToJson(new PushRuleSet(changed)) }.ToJsonString();
        }, cancellationToken);

        foreach (var observer in _observers)
        {
            observer.OnAccountDataChanged(userId.Value);
        }
    }
}
