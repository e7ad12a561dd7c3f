using System.Text.Json;

namespace Homeserver.Core.Push;

/// <summary>
/// The spec's server-default push rules for a user, and how they combine with the user's own rules:
/// <c>.m.rule.master</c> first, then the user's rules of each kind, then the other defaults.
/// </summary>
public static class DefaultPushRules
{
    private const string OverrideJson = """
        [
          {"rule_id": ".m.rule.master", "default": true, "enabled": false, "conditions": [], "actions": []},
          {"rule_id": ".m.rule.suppress_notices", "default": true, "enabled": true,
           "conditions": [{"kind": "event_match", "key": "content.msgtype", "pattern": "m.notice"}], "actions": []},
          {"rule_id": ".m.rule.invite_for_me", "default": true, "enabled": true,
           "conditions": [{"kind": "event_match", "key": "type", "pattern": "m.room.member"},
                          {"kind": "event_match", "key": "content.membership", "pattern": "invite"},
                          {"kind": "event_match", "key": "state_key", "pattern": "USER_ID"}],
           "actions": ["notify", {"set_tweak": "sound", "value": "default"}]},
          {"rule_id": ".m.rule.member_event", "default": true, "enabled": true,
           "conditions": [{"kind": "event_match", "key": "type", "pattern": "m.room.member"}], "actions": []},
          {"rule_id": ".m.rule.is_user_mention", "default": true, "enabled": true,
           "conditions": [{"kind": "event_property_contains", "key": "content.m\\.mentions.user_ids", "value": "USER_ID"}],
           "actions": ["notify", {"set_tweak": "sound", "value": "default"}, {"set_tweak": "highlight"}]},
          {"rule_id": ".m.rule.contains_display_name", "default": true, "enabled": true,
           "conditions": [{"kind": "contains_display_name"}],
           "actions": ["notify", {"set_tweak": "sound", "value": "default"}, {"set_tweak": "highlight"}]},
          {"rule_id": ".m.rule.is_room_mention", "default": true, "enabled": true,
           "conditions": [{"kind": "event_property_is", "key": "content.m\\.mentions.room", "value": true},
                          {"kind": "sender_notification_permission", "key": "room"}],
           "actions": ["notify", {"set_tweak": "highlight"}]},
          {"rule_id": ".m.rule.roomnotif", "default": true, "enabled": true,
           "conditions": [{"kind": "event_match", "key": "content.body", "pattern": "@room"},
                          {"kind": "sender_notification_permission", "key": "room"}],
           "actions": ["notify", {"set_tweak": "highlight"}]},
          {"rule_id": ".m.rule.tombstone", "default": true, "enabled": true,
           "conditions": [{"kind": "event_match", "key": "type", "pattern": "m.room.tombstone"},
                          {"kind": "event_match", "key": "state_key", "pattern": ""}],
           "actions": ["notify", {"set_tweak": "highlight"}]},
          {"rule_id": ".m.rule.reaction", "default": true, "enabled": true,
           "conditions": [{"kind": "event_match", "key": "type", "pattern": "m.reaction"}], "actions": []},
          {"rule_id": ".m.rule.room.server_acl", "default": true, "enabled": true,
           "conditions": [{"kind": "event_match", "key": "type", "pattern": "m.room.server_acl"},
                          {"kind": "event_match", "key": "state_key", "pattern": ""}], "actions": []},
          {"rule_id": ".m.rule.suppress_edits", "default": true, "enabled": true,
           "conditions": [{"kind": "event_property_is", "key": "content.m\\.relates_to.rel_type", "value": "m.replace"}],
           "actions": []}
        ]
        """;

    private const string ContentJson = """
        [
          {"rule_id": ".m.rule.contains_user_name", "default": true, "enabled": true, "pattern": "USER_LOCALPART",
           "actions": ["notify", {"set_tweak": "sound", "value": "default"}, {"set_tweak": "highlight"}]}
        ]
        """;

    private const string UnderrideJson = """
        [
          {"rule_id": ".m.rule.call", "default": true, "enabled": true,
           "conditions": [{"kind": "event_match", "key": "type", "pattern": "m.call.invite"}],
           "actions": ["notify", {"set_tweak": "sound", "value": "ring"}]},
          {"rule_id": ".m.rule.encrypted_room_one_to_one", "default": true, "enabled": true,
           "conditions": [{"kind": "room_member_count", "is": "2"},
                          {"kind": "event_match", "key": "type", "pattern": "m.room.encrypted"}],
           "actions": ["notify", {"set_tweak": "sound", "value": "default"}]},
          {"rule_id": ".m.rule.room_one_to_one", "default": true, "enabled": true,
           "conditions": [{"kind": "room_member_count", "is": "2"},
                          {"kind": "event_match", "key": "type", "pattern": "m.room.message"}],
           "actions": ["notify", {"set_tweak": "sound", "value": "default"}]},
          {"rule_id": ".m.rule.message", "default": true, "enabled": true,
           "conditions": [{"kind": "event_match", "key": "type", "pattern": "m.room.message"}], "actions": ["notify"]},
          {"rule_id": ".m.rule.encrypted", "default": true, "enabled": true,
           "conditions": [{"kind": "event_match", "key": "type", "pattern": "m.room.encrypted"}], "actions": ["notify"]}
        ]
        """;

    // Each default rule as JSON, with the instance shared by every user when the rule does not name the user
    // (most of them): a room's members then share those rules' objects, so evaluation can check them once per event.
    private static readonly Dictionary<string, PushCondition?[]> SharedConditions = ReadSharedConditions();

    private static readonly Dictionary<PushRuleKind, (string Json, PushRule? Shared)[]> Templates = new()
    {
        [PushRuleKind.Override] = Template(OverrideJson),
        [PushRuleKind.Content] = Template(ContentJson),
        [PushRuleKind.Underride] = Template(UnderrideJson),
    };

    /// <summary>The default rules with the user's ID and localpart filled in.</summary>
    public static PushRuleSet For(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        var localpart = userId.Length > 1 && userId.Contains(':', StringComparison.Ordinal)
            ? userId[1..userId.IndexOf(':', StringComparison.Ordinal)]
            : userId;
        List<PushRule> Read(PushRuleKind kind) => Templates[kind].Select(t => t.Shared ?? ForUser(t.Json, userId, localpart))
            .ToList();

        return new PushRuleSet(new Dictionary<PushRuleKind, IReadOnlyList<PushRule>>
        {
            [PushRuleKind.Override] = Read(PushRuleKind.Override),
            [PushRuleKind.Content] = Read(PushRuleKind.Content),
            [PushRuleKind.Room] = [],
            [PushRuleKind.Sender] = [],
            [PushRuleKind.Underride] = Read(PushRuleKind.Underride),
        });
    }

    /// <summary>A default rule naming the user: its conditions that do not name the user are still shared.</summary>
    private static PushRule ForUser(string json, string userId, string localpart)
    {
        var rule = Parse(json
            .Replace("USER_ID", JsonEncodedText.Encode(userId).ToString(), StringComparison.Ordinal)
            .Replace("USER_LOCALPART", JsonEncodedText.Encode(localpart).ToString(), StringComparison.Ordinal));
        var template = SharedConditions.GetValueOrDefault(rule.RuleId);
        return template is null
            ? rule
            : rule with { Conditions = rule.Conditions.Select((c, i) => template[i] ?? c).ToList() };
    }

    private static (string Json, PushRule? Shared)[] Template(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray().Select(rule => rule.GetRawText()).Select(raw =>
            (raw, raw.Contains("USER_", StringComparison.Ordinal) ? null : Share(Parse(raw)))).ToArray();
    }

    /// <summary>For each default rule naming the user, its conditions that do not (null where one does).</summary>
    private static Dictionary<string, PushCondition?[]> ReadSharedConditions()
    {
        var shared = new Dictionary<string, PushCondition?[]>(StringComparer.Ordinal);
        foreach (var json in new[] { OverrideJson, ContentJson, UnderrideJson })
        {
            using var document = JsonDocument.Parse(json);
            foreach (var rule in document.RootElement.EnumerateArray().Where(r => r.GetRawText().Contains("USER_", StringComparison.Ordinal)))
            {
                var parsed = PushRule.FromJson(rule);
                shared[parsed.RuleId] = rule.TryGetProperty("conditions", out var conditions)
                    ? conditions.EnumerateArray().Select((c, i) => c.GetRawText().Contains("USER_", StringComparison.Ordinal)
                        ? null
                        : parsed.Conditions[i] with { Shared = true }).ToArray()
                    : [];
            }
        }

        return shared;
    }

    private static PushRule Share(PushRule rule) =>
        rule with { Shared = true, Conditions = rule.Conditions.Select(c => c with { Shared = true }).ToList() };

    private static PushRule Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return PushRule.FromJson(document.RootElement);
    }

    /// <summary>
    /// The user's rules merged with the defaults: master first, user rules before the other defaults of
    /// each kind. A user rule with a default's ID (an enabled/actions override) sets that default's enabled flag and
    /// actions; its conditions and pattern stay the server's, so a stored copy cannot pin an older definition.
    /// </summary>
    public static PushRuleSet Merge(PushRuleSet defaults, PushRuleSet user)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        ArgumentNullException.ThrowIfNull(user);
        var merged = new Dictionary<PushRuleKind, IReadOnlyList<PushRule>>();
        foreach (var kind in Enum.GetValues<PushRuleKind>())
        {
            var own = user.Of(kind);
            var overridden = own.Where(r => r.RuleId.StartsWith('.')).ToDictionary(r => r.RuleId, StringComparer.Ordinal);
            var custom = own.Where(r => !r.RuleId.StartsWith('.')).ToList();
            var defaultRules = defaults.Of(kind)
                .Select(r => overridden.TryGetValue(r.RuleId, out var o) ? r with { Enabled = o.Enabled, Actions = o.Actions } : r)
                .ToList();
            var master = defaultRules.Where(r => r.RuleId == ".m.rule.master").ToList();
            merged[kind] = [.. master, .. custom, .. defaultRules.Where(r => r.RuleId != ".m.rule.master")];
        }

        return new PushRuleSet(merged);
    }
}
