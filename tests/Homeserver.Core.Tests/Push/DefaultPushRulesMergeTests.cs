using System.Text.Json;
using Homeserver.Core.Push;

namespace Homeserver.Core.Tests.Push;

public sealed class DefaultPushRulesMergeTests
{
    [Fact]
    public void A_stored_default_rule_changes_only_enabled_and_actions()
    {
        using var stored = JsonDocument.Parse("""
            {"underride": [{"rule_id": ".m.rule.message", "default": true, "enabled": false, "actions": ["dont_notify"],
                            "conditions": [{"kind": "event_match", "key": "type", "pattern": "m.room.old"}]}]}
            """);

        var merged = DefaultPushRules.Merge(DefaultPushRules.For("@me:x"), PushRuleSet.FromJson(stored.RootElement));

        var message = merged.Of(PushRuleKind.Underride).Single(r => r.RuleId == ".m.rule.message");
        Assert.False(message.Enabled);
        Assert.Equal("dont_notify", message.Actions.Single()!.GetValue<string>());
        Assert.Equal("m.room.message", message.Conditions.Single().Pattern);
        Assert.True(message.Default);
    }
}
