using System.Text.Json;
using Homeserver.Core.Push;

namespace Homeserver.Core.Tests.Push;

public sealed class PushEvaluatorTests
{
    private const string Me = "@alice:example.org";

    private static PushContext Context(int members = 5, string? displayName = "Alice Smith", bool mayNotifyRoom = true) =>
        new(Me, displayName, members, kind => kind == "room" && mayNotifyRoom);

    private static PushResult Evaluate(string eventJson, PushContext? context = null, PushRuleSet? rules = null)
    {
        using var document = JsonDocument.Parse(eventJson);
        return PushEvaluator.Evaluate(rules ?? DefaultPushRules.For(Me), document.RootElement, context ?? Context());
    }

    private static string Message(string body, string extraContent = "", string sender = "@bob:example.org",
        string msgtype = "m.text") =>
        $$$"""{"type":"m.room.message","sender":"{{{sender}}}","room_id":"!r:example.org","content":{"msgtype":"{{{msgtype}}}","body":"{{{body}}}"{{{extraContent}}}}}""";

    [Fact]
    public void Plain_messages_in_group_rooms_notify_without_highlight()
    {
        var result = Evaluate(Message("hello"));
        Assert.Equal(".m.rule.message", result.RuleId);
        Assert.True(result.Notify);
        Assert.False(result.Highlight);
    }

    [Fact]
    public void Messages_in_one_to_one_rooms_notify_with_sound()
    {
        var result = Evaluate(Message("hello"), Context(members: 2));
        Assert.Equal(".m.rule.room_one_to_one", result.RuleId);
        Assert.Equal("default", result.Tweaks["sound"]!.GetValue<string>());
    }

    [Fact]
    public void Own_events_never_notify() => Assert.Null(Evaluate(Message("hi", sender: Me)).RuleId);

    [Fact]
    public void Notices_are_suppressed() =>
        Assert.Equal(".m.rule.suppress_notices", Evaluate(Message("bot", msgtype: "m.notice")).RuleId);

    [Fact]
    public void Mentions_by_user_id_highlight()
    {
        var result = Evaluate(Message("hey", $$""","m.mentions":{"user_ids":["{{Me}}"]}"""));
        Assert.Equal(".m.rule.is_user_mention", result.RuleId);
        Assert.True(result.Highlight);
    }

    [Fact]
    public void Room_mentions_need_the_senders_notification_level()
    {
        var mention = Message("all", ""","m.mentions":{"room":true}""");
        Assert.Equal(".m.rule.is_room_mention", Evaluate(mention).RuleId);
        Assert.Equal(".m.rule.message", Evaluate(mention, Context(mayNotifyRoom: false)).RuleId);
    }

    [Fact]
    public void Legacy_display_name_and_user_name_rules_apply_only_without_m_mentions()
    {
        Assert.Equal(".m.rule.contains_display_name", Evaluate(Message("hi Alice Smith!")).RuleId);
        Assert.Equal(".m.rule.message", Evaluate(Message("hi Alice Smith!", ""","m.mentions":{}""")).RuleId);
        Assert.Equal(".m.rule.contains_user_name", Evaluate(Message("ping alice please"), Context(displayName: null)).RuleId);
        Assert.Equal(".m.rule.roomnotif", Evaluate(Message("@room meeting")).RuleId);
    }

    [Fact]
    public void Invites_for_me_notify_but_other_member_events_do_not()
    {
        var invite = $$$"""{"type":"m.room.member","sender":"@bob:example.org","state_key":"{{{Me}}}","content":{"membership":"invite"}}""";
        Assert.Equal(".m.rule.invite_for_me", Evaluate(invite).RuleId);
        var join = """{"type":"m.room.member","sender":"@bob:example.org","state_key":"@bob:example.org","content":{"membership":"join"}}""";
        var result = Evaluate(join);
        Assert.Equal(".m.rule.member_event", result.RuleId);
        Assert.False(result.Notify);
    }

    [Fact]
    public void Edits_reactions_and_tombstones_follow_their_default_rules()
    {
        Assert.Equal(".m.rule.suppress_edits",
            Evaluate(Message("* fixed", ""","m.relates_to":{"rel_type":"m.replace","event_id":"$x"}""")).RuleId);
        Assert.Equal(".m.rule.reaction", Evaluate("""{"type":"m.reaction","sender":"@b:x","content":{}}""").RuleId);
        var tombstone = Evaluate("""{"type":"m.room.tombstone","sender":"@b:x","state_key":"","content":{}}""");
        Assert.Equal(".m.rule.tombstone", tombstone.RuleId);
        Assert.True(tombstone.Highlight);
        Assert.Null(Evaluate("""{"type":"m.room.tombstone","sender":"@b:x","content":{}}""").RuleId);
    }

    [Fact]
    public void Calls_ring_and_encrypted_events_notify()
    {
        Assert.Equal("ring", Evaluate("""{"type":"m.call.invite","sender":"@b:x","content":{}}""").Tweaks["sound"]!.GetValue<string>());
        Assert.Equal(".m.rule.encrypted", Evaluate("""{"type":"m.room.encrypted","sender":"@b:x","content":{}}""").RuleId);
        Assert.Equal(".m.rule.encrypted_room_one_to_one",
            Evaluate("""{"type":"m.room.encrypted","sender":"@b:x","content":{}}""", Context(members: 2)).RuleId);
    }

    private static PushRuleSet UserRules(string json)
    {
        using var document = JsonDocument.Parse(json);
        return DefaultPushRules.Merge(DefaultPushRules.For(Me), PushRuleSet.FromJson(document.RootElement));
    }

    [Fact]
    public void User_rules_come_before_defaults_of_their_kind_and_master_before_everything()
    {
        var rules = UserRules("""
            {"override": [{"rule_id": "mute-bob", "enabled": true, "actions": ["dont_notify"],
                           "conditions": [{"kind": "event_match", "key": "sender", "pattern": "@bob:*"}]},
                          {"rule_id": ".m.rule.master", "enabled": true, "default": true, "actions": []}]}
            """);
        Assert.Equal(".m.rule.master", rules.Of(PushRuleKind.Override)[0].RuleId);
        Assert.Equal(".m.rule.master", Evaluate(Message("hi"), rules: rules).RuleId);

        var withoutMaster = UserRules("""
            {"override": [{"rule_id": "mute-bob", "enabled": true, "actions": ["dont_notify"],
                           "conditions": [{"kind": "event_match", "key": "sender", "pattern": "@bob:*"}]}]}
            """);
        var result = Evaluate(Message("hi"), rules: withoutMaster);
        Assert.Equal("mute-bob", result.RuleId);
        Assert.Empty(result.Actions);
    }

    [Fact]
    public void Room_sender_and_content_rules_match_by_rule_id_or_pattern()
    {
        var rules = UserRules("""
            {"content": [{"rule_id": "cake", "enabled": true, "pattern": "cake*lie", "actions": ["notify", {"set_tweak": "sound", "value": "cake.wav"}]}],
             "room": [{"rule_id": "!quiet:example.org", "enabled": true, "actions": []}],
             "sender": [{"rule_id": "@carol:example.org", "enabled": true, "actions": ["notify"]}]}
            """);
        Assert.Equal("cake", Evaluate(Message("the cake is a lie"), rules: rules).RuleId);
        Assert.Equal("!quiet:example.org", Evaluate(Message("x").Replace("!r:example.org", "!quiet:example.org",
            StringComparison.Ordinal), rules: rules).RuleId);
        Assert.Equal("@carol:example.org", Evaluate(Message("x", sender: "@carol:example.org"), rules: rules).RuleId);
    }

    [Theory]
    [InlineData("2", 2, true)]
    [InlineData("==2", 3, false)]
    [InlineData("<10", 9, true)]
    [InlineData("<=10", 10, true)]
    [InlineData(">10", 10, false)]
    [InlineData(">=10", 10, true)]
    [InlineData("abc", 2, false)]
    public void Room_member_count_comparisons(string comparison, int members, bool matches)
    {
        var rules = UserRules($$"""
            {"override": [{"rule_id": "count", "enabled": true, "actions": ["notify"],
                           "conditions": [{"kind": "room_member_count", "is": "{{comparison}}"}]}]}
            """);
        Assert.Equal(matches, Evaluate(Message("x"), Context(members: members), rules).RuleId == "count");
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("\"true\"", false)]
    [InlineData("1", false)]
    public void Event_property_is_matches_exact_values_without_casting(string federate, bool matches)
    {
        var rules = UserRules("""
            {"override": [{"rule_id": "fed", "enabled": true, "actions": ["notify"],
                           "conditions": [{"kind": "event_property_is", "key": "content.m\\.federate", "value": true}]}]}
            """);
        var create = $$$"""{"type":"m.room.create","sender":"@b:x","state_key":"","content":{"m.federate":{{{federate}}}}}""";
        Assert.Equal(matches, Evaluate(create, rules: rules).RuleId == "fed");
    }

    [Fact]
    public void Event_property_contains_needs_an_exact_array_element_and_unknown_conditions_never_match()
    {
        var rules = UserRules("""
            {"override": [{"rule_id": "alias", "enabled": true, "actions": ["notify"],
                           "conditions": [{"kind": "event_property_contains", "key": "content.alt_aliases", "value": "#myroom:example.com"}]},
                          {"rule_id": "future", "enabled": true, "actions": ["notify"], "conditions": [{"kind": "org.example.future"}]}]}
            """);
        Assert.Equal("alias", Evaluate("""{"type":"m.room.canonical_alias","sender":"@b:x","state_key":"","content":{"alt_aliases":["#a:x","#myroom:example.com"]}}""", rules: rules).RuleId);
        Assert.NotEqual("alias", Evaluate("""{"type":"m.room.canonical_alias","sender":"@b:x","state_key":"","content":{"alt_aliases":[":example.com"]}}""", rules: rules).RuleId);
        Assert.NotEqual("future", Evaluate("""{"type":"x","sender":"@b:x","content":{}}""", rules: rules).RuleId);
    }

    [Fact]
    public void Disabled_rules_never_match()
    {
        var rules = UserRules("""{"underride": [{"rule_id": ".m.rule.message", "default": true, "enabled": false, "actions": ["notify"], "conditions": []}]}""");
        Assert.Null(Evaluate(Message("hi"), rules: rules).RuleId);
    }
}
