using Homeserver.Core.Push;
using Homeserver.Services.Push;
using Homeserver.Services.Shared;
using Microsoft.Extensions.Logging.Abstractions;

namespace Homeserver.Services.Tests.Push;

public sealed class PushRuleCacheTests
{
    private const string Alice = "@alice:example.org";

    private const string MessagesOff = """
        {"global": {"underride": [{"rule_id": ".m.rule.message", "default": true, "enabled": false,
          "conditions": [{"kind": "event_match", "key": "type", "pattern": "m.room.message"}], "actions": ["notify"]}]}}
        """;

    [Fact]
    public async Task Rules_are_read_once_then_again_after_the_users_account_data_changed()
    {
        var store = new RulesStore();
        var cache = new PushRuleCache(store, new StoredJson(NullLogger<StoredJson>.Instance));

        Assert.True(MessageRule(await cache.GetAsync([Alice], CancellationToken.None)).Enabled);
        store.Rules[Alice] = MessagesOff;
        Assert.True(MessageRule(await cache.GetAsync([Alice], CancellationToken.None)).Enabled); // cached
        Assert.Equal(1, store.Reads);

        cache.OnAccountDataChanged(Alice);

        Assert.False(MessageRule(await cache.GetAsync([Alice], CancellationToken.None)).Enabled);
        Assert.Equal(2, store.Reads);
    }

    [Fact]
    public async Task A_change_during_a_read_keeps_the_read_rules_out_of_the_cache()
    {
        var store = new RulesStore();
        var cache = new PushRuleCache(store, new StoredJson(NullLogger<StoredJson>.Instance));
        store.DuringRead = () =>
        {
            store.DuringRead = null;
            store.Rules[Alice] = MessagesOff; // written after this read took the old rules
            cache.OnAccountDataChanged(Alice);
        };

        Assert.True(MessageRule(await cache.GetAsync([Alice], CancellationToken.None)).Enabled);

        Assert.False(MessageRule(await cache.GetAsync([Alice], CancellationToken.None)).Enabled);
    }

    private static PushRule MessageRule(IReadOnlyDictionary<string, PushRuleSet> rules) =>
        rules[Alice].Of(PushRuleKind.Underride).Single(r => r.RuleId == ".m.rule.message");

    private sealed class RulesStore : IPushActionStore
    {
        public Dictionary<string, string> Rules { get; } = new(StringComparer.Ordinal);

        public int Reads { get; private set; }

        public Action? DuringRead { get; set; }

        public Task<IReadOnlyDictionary<string, string>> GetStoredPushRulesAsync(IReadOnlyCollection<string> userIds,
            CancellationToken cancellationToken)
        {
            Reads++;
            IReadOnlyDictionary<string, string> read = userIds.Where(Rules.ContainsKey)
                .ToDictionary(u => u, u => Rules[u], StringComparer.Ordinal);
            DuringRead?.Invoke();
            return Task.FromResult(read);
        }

        public Task<IReadOnlyList<UnreadCount>> GetUnreadCountsAsync(string userId, IReadOnlyCollection<string> roomIds,
            CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<int> CountRoomsWithUnreadAsync(string userId, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<IReadOnlyList<StoredNotification>> GetNotificationsAsync(string userId, long before, int limit,
            bool onlyHighlight, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
