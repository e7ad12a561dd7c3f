using System.Text.Json;
using Homeserver.Core.Push;

namespace Homeserver.Core.Tests.Push;

public sealed class PushEventMatcherTests
{
    private static JsonElement Event(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    [Fact]
    public void One_matcher_gives_each_user_their_own_mentions_and_display_name()
    {
        var matcher = new PushEventMatcher(Event("""
            {"type":"m.room.message","sender":"@bob:x","room_id":"!r:x","content":{"msgtype":"m.text","body":"hi Carol Ann"}}
            """), 10, _ => false);

        var carol = matcher.Evaluate(DefaultPushRules.For("@carol:x"), "@carol:x", "Carol Ann");
        var dave = matcher.Evaluate(DefaultPushRules.For("@dave:x"), "@dave:x", "Dave");
        var bob = matcher.Evaluate(DefaultPushRules.For("@bob:x"), "@bob:x", "Bob");

        Assert.Equal(".m.rule.contains_display_name", carol.RuleId);
        Assert.True(carol.Highlight);
        Assert.Equal(".m.rule.message", dave.RuleId);
        Assert.False(dave.Highlight);
        Assert.Same(PushResult.NoMatch, bob); // the sender is never notified of their own event
    }

    [Fact]
    public void User_mentions_are_checked_per_user_although_the_defaults_are_shared()
    {
        var matcher = new PushEventMatcher(Event("""
            {"type":"m.room.message","sender":"@bob:x","room_id":"!r:x",
             "content":{"msgtype":"m.text","body":"x","m.mentions":{"user_ids":["@carol:x"]}}}
            """), 10, _ => false);

        Assert.True(matcher.Evaluate(DefaultPushRules.For("@carol:x"), "@carol:x", null).Highlight);
        Assert.False(matcher.Evaluate(DefaultPushRules.For("@dave:x"), "@dave:x", null).Highlight);
    }

    [Fact]
    public void Default_rules_not_naming_the_user_are_shared_between_users()
    {
        var alice = DefaultPushRules.For("@alice:x");
        var bob = DefaultPushRules.For("@bob:x");

        Assert.Same(alice.Of(PushRuleKind.Override)[1], bob.Of(PushRuleKind.Override)[1]); // suppress_notices
        Assert.NotSame(alice.Of(PushRuleKind.Override)[2], bob.Of(PushRuleKind.Override)[2]); // invite_for_me
        Assert.Equal("@bob:x", bob.Of(PushRuleKind.Override)[2].Conditions[2].Pattern);
        Assert.Equal("bob", bob.Of(PushRuleKind.Content)[0].Pattern);
    }

    [Theory]
    [InlineData("alice", "Hi Alice!", true)]
    [InlineData("alice", "malice aforethought", false)]
    [InlineData("alice", "alice_b is not alice", true)]
    [InlineData("alice", "alice_b only", false)]
    [InlineData("Ünïcode Näme", "hello ünïcode näme.", true)]
    public void Text_patterns_match_whole_words_case_insensitively(string text, string body, bool matches)
    {
        Assert.Equal(matches, GlobMatcher.MatchesWords(text, body));
        Assert.Equal(matches, GlobMatcher.ContainsWords(text, body));
    }
}
