using Homeserver.Core.Push;
using Homeserver.Services.Accounts;
using Homeserver.Services.Shared;

namespace Homeserver.Services.Push;

/// <summary>
/// Each user's effective push rules (the defaults merged with their <c>m.push_rules</c> account data, as
/// <see cref="PushRulesService"/> reads them), kept in memory for evaluation at persist time and dropped when the
/// user's account data changes. Users without rules of their own share the default rules' objects except the few
/// naming them, so a large room costs little memory. Bounded: emptied when full. With several processes, a change is
/// published on <see cref="Channel"/> so every process drops its copy (a change made while Redis is away is not heard
/// by the others until the entry is dropped for another reason).
/// </summary>
public sealed class PushRuleCache(IPushActionStore store, StoredJson storedJson, ISharedStore? shared = null)
    : IAccountDataObserver
{
    public const string Channel = "push.rules";

    internal const int Capacity = 200_000;

    private readonly UserValueCache<PushRuleSet> _rules = new(Channel, Capacity, shared);

    public void OnAccountDataChanged(string userId) => _rules.Changed(userId);

    /// <summary>Listens for other processes' rule changes (a no-op store when not shared).</summary>
    public ValueTask<IAsyncDisposable> SubscribeAsync(CancellationToken cancellationToken) =>
        _rules.SubscribeAsync(cancellationToken);

    /// <summary>The rules of every user of <paramref name="userIds"/>; those not cached are read in one query.</summary>
    public async Task<IReadOnlyDictionary<string, PushRuleSet>> GetAsync(IReadOnlyCollection<string> userIds,
        CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, PushRuleSet>(userIds.Count, StringComparer.Ordinal);
        List<string>? missing = null;
        foreach (var userId in userIds)
        {
            if (_rules.TryGetValue(userId, out var rules))
            {
                found[userId] = rules;
            }
            else
            {
                (missing ??= []).Add(userId);
            }
        }

        if (missing is null)
        {
            return found;
        }

        var before = missing.ToDictionary(u => u, _rules.VersionOf, StringComparer.Ordinal);
        var stored = await store.GetStoredPushRulesAsync(missing, cancellationToken);
        foreach (var userId in missing)
        {
            var rules = PushRulesService.RuleSetOf(userId, stored.GetValueOrDefault(userId), storedJson);
            found[userId] = rules;
            _rules.Keep(userId, rules, before[userId]);
        }

        return found;
    }
}
