using Homeserver.Core.Push;
using Homeserver.Services.Push;
using Homeserver.Services.Shared;
using Homeserver.Storage.Redis;
using Homeserver.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Homeserver.Storage.Tests;

/// <summary>Two processes' push rule caches over one real Redis: a rule change in one is not missed by the other.</summary>
public sealed class PushRuleCacheSharingTests
{
    private const string Alice = "@alice:example.org";

    [Fact]
    public async Task A_rule_change_in_one_process_drops_the_cached_rules_of_another()
    {
        await using var redis = await TestRedis.StartAsync();
        using var sharedA = await RedisSharedStore.ConnectAsync(redis.Configuration, NullLogger.Instance);
        using var sharedB = await RedisSharedStore.ConnectAsync(redis.Configuration, NullLogger.Instance);
        var rules = new RulesInDatabase();
        var storedJson = new StoredJson(NullLogger<StoredJson>.Instance);
        var cacheA = new PushRuleCache(rules, storedJson, sharedA);
        var cacheB = new PushRuleCache(rules, storedJson, sharedB);
        await using var subscription = await cacheB.SubscribeAsync(CancellationToken.None);
        Assert.True(await MessageRuleEnabledAsync(cacheB));

        rules.Stored[Alice] = """
            {"global": {"underride": [{"rule_id": ".m.rule.message", "default": true, "enabled": false,
              "conditions": [{"kind": "event_match", "key": "type", "pattern": "m.room.message"}], "actions": ["notify"]}]}}
            """;
        cacheA.OnAccountDataChanged(Alice); // the write happened in process A

        await Eventually.HoldsAsync(async () => !await MessageRuleEnabledAsync(cacheB), "process B reads the new rules");
    }

    private static async Task<bool> MessageRuleEnabledAsync(PushRuleCache cache) =>
        (await cache.GetAsync([Alice], CancellationToken.None))[Alice].Of(PushRuleKind.Underride)
        .Single(r => r.RuleId == ".m.rule.message").Enabled;

    /// <summary>The users' stored m.push_rules, as the database would answer.</summary>
    private sealed class RulesInDatabase : IPushActionStore
    {
        public System.Collections.Concurrent.ConcurrentDictionary<string, string> Stored { get; } = new(StringComparer.Ordinal);

        public Task<IReadOnlyDictionary<string, string>> GetStoredPushRulesAsync(IReadOnlyCollection<string> userIds,
            CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyDictionary<string, string>>(userIds.Where(Stored.ContainsKey)
                .ToDictionary(u => u, u => Stored[u], StringComparer.Ordinal));

        public Task<IReadOnlyList<UnreadCount>> GetUnreadCountsAsync(string userId, IReadOnlyCollection<string> roomIds,
            CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<int> CountRoomsWithUnreadAsync(string userId, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<IReadOnlyList<StoredNotification>> GetNotificationsAsync(string userId, long before, int limit,
            bool onlyHighlight, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
