using System.Text.Json;
using System.Text.Json.Nodes;

namespace Homeserver.Core.Push;

/// <summary>What the evaluator needs to know about the room and the user, supplied by the caller.</summary>
/// <param name="UserId">The user whose rules are evaluated.</param>
/// <param name="DisplayName">The user's display name in the room, if any.</param>
/// <param name="RoomMemberCount">The number of joined members.</param>
/// <param name="SenderMayNotify">Whether the sender has the power level for a notification kind (e.g. "room").</param>
public sealed record PushContext(string UserId, string? DisplayName, int RoomMemberCount,
    Func<string, bool> SenderMayNotify);

/// <summary>The first matching rule and its actions, or no match (no notification).</summary>
public sealed record PushResult(PushRuleKind? Kind, string? RuleId, IReadOnlyList<JsonNode?> Actions)
{
    public static readonly PushResult NoMatch = new(null, null, []);

    public bool Notify => Actions.Any(a => a is JsonValue v && v.TryGetValue<string>(out var s) && s == "notify");

    /// <summary>The tweaks set by the actions; <c>highlight</c> without a value means true.</summary>
    public IReadOnlyDictionary<string, JsonNode?> Tweaks
    {
        get
        {
            var tweaks = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
            foreach (var action in Actions.OfType<JsonObject>())
            {
                if (action["set_tweak"] is JsonValue name && name.TryGetValue<string>(out var tweak))
                {
                    tweaks[tweak] = action.TryGetPropertyValue("value", out var value)
                        ? value?.DeepClone()
                        : tweak == "highlight" ? JsonValue.Create(true) : null;
                }
            }

            return tweaks;
        }
    }

    public bool Highlight => Tweaks.TryGetValue("highlight", out var value) && value is JsonValue v &&
                             v.TryGetValue<bool>(out var highlight) && highlight;
}

/// <summary>
/// Evaluates a user's push rules against an event (client-server API, "Push Rules"): kinds in order
/// override, content, room, sender, underride; the first enabled matching rule decides. For many users and one
/// event (a room's members), use one <see cref="PushEventMatcher"/>.
/// </summary>
public static class PushEvaluator
{
    public static PushResult Evaluate(PushRuleSet rules, JsonElement clientEvent, PushContext context)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(context);
        var result = new PushEventMatcher(clientEvent, context.RoomMemberCount, context.SenderMayNotify)
            .Evaluate(rules, context.UserId, context.DisplayName);
        // Callers of the single-user form own the result's actions.
        return result with { Actions = result.Actions.Select(a => a?.DeepClone()).ToList() };
    }
}
