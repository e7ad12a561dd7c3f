using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Auth;
using Homeserver.Core.Events;
using Homeserver.Core.Push;
using Homeserver.Services.Configuration;
using Homeserver.Services.Rooms;

namespace Homeserver.Services.Push;

/// <summary>
/// Push rule evaluation at persist time: each event is evaluated for every local joined member of the room but its
/// sender (and for a local user it invites), on the room state before the event. One
/// <see cref="PushEventMatcher"/> per event checks what the members' rules share once; the members and their display
/// names come from the writer's cached head (<see cref="RoomPushMembers"/>) and the rules from
/// <see cref="PushRuleCache"/>. The actions decided are kept with the event (until it is collected) so
/// <see cref="PushNotificationPublisher"/> can hand them to pushers after the commit.
/// </summary>
public sealed class PushActionEvaluator(PushRuleCache rules, HomeserverSettings settings) : IPushActionEvaluator
{
    public const string MainThread = "main";

    private readonly ConditionalWeakTable<Pdu, IReadOnlyList<PushAction>> _decided = new();

    public async Task<IReadOnlyList<EventPushActions>> EvaluateAsync(RoomHead head,
        IReadOnlyList<NewRoomEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(events);
        var results = new List<EventPushActions>(events.Count);
        var state = head;
        foreach (var item in events)
        {
            if (item.Placement is { } placement)
            {
                // Only new timeline events notify; they are evaluated on the state before them, which is the room's
                // current membership only when it is the head's state.
                var actions = placement is { Kind: Rooms.Input.InputKind.New, InTimeline: true, StateBefore: { } before }
                    ? await EvaluateAsync(state with { State = before }, item.Pdu, ReferenceEquals(before, state.State),
                        cancellationToken)
                    : EventPushActions.None;
                _decided.AddOrUpdate(item.Pdu, actions.Actions);
                results.Add(actions);
                state = state.After(placement);
                continue;
            }

            var local = await EvaluateAsync(state, item.Pdu, true, cancellationToken);
            _decided.AddOrUpdate(item.Pdu, local.Actions);
            results.Add(local);
            state = state.After(item.Pdu);
        }

        return results;
    }

    /// <summary>The actions decided for <paramref name="pdu"/> when it was persisted by this process, if any.</summary>
    public IReadOnlyList<PushAction>? DecidedFor(Pdu pdu) => _decided.TryGetValue(pdu, out var actions) ? actions : null;

    private async Task<EventPushActions> EvaluateAsync(RoomHead state, Pdu pdu, bool onCurrentMembership,
        CancellationToken cancellationToken)
    {
        var members = RoomPushMembers.For(state.State, settings.ServerName.Value);
        var recipients = new List<(string UserId, string? DisplayName)>(members.LocalJoined.Count + 1);
        foreach (var member in members.LocalJoined)
        {
            if (member.UserId != pdu.Sender)
            {
                recipients.Add(member);
            }
        }

        if (pdu.Type == EventTypes.Member && pdu.Membership == Memberships.Invite && pdu.StateKey is { } invitee &&
            invitee != pdu.Sender && invitee.EndsWith(":" + settings.ServerName.Value, StringComparison.Ordinal) &&
            !members.LocalJoined.Any(m => m.UserId == invitee))
        {
            recipients.Add((invitee, null));
        }

        if (recipients.Count == 0)
        {
            return EventPushActions.None;
        }

        var ruleSets = await rules.GetAsync(recipients.Select(r => r.UserId).ToList(), cancellationToken);
        return new EventPushActions(Evaluate(state, pdu, members.JoinedCount, recipients, ruleSets),
            onCurrentMembership ? members.LocalJoinedIds : null);
    }

    /// <summary>The evaluation itself, without I/O (what the benchmark measures).</summary>
    public static IReadOnlyList<PushAction> Evaluate(RoomHead state, Pdu pdu, int joinedCount,
        IReadOnlyList<(string UserId, string? DisplayName)> recipients, IReadOnlyDictionary<string, PushRuleSet> ruleSets)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(pdu);
        ArgumentNullException.ThrowIfNull(recipients);
        ArgumentNullException.ThrowIfNull(ruleSets);
        RoomPowerLevels? powerLevels = null;
        var matcher = new PushEventMatcher(pdu.Json, joinedCount, kind =>
            (powerLevels ??= RoomPowerLevels.For(state.RoomState, state.Version)).CanNotify(pdu.Sender, kind));
        var threadId = ThreadOf(pdu);
        // Results of one rule share their actions list: what it means is worked out once per rule, not per member.
        var decided = new Dictionary<IReadOnlyList<JsonNode?>, (bool Notify, bool Highlight, string Json)>(
            ReferenceEqualityComparer.Instance);
        var actions = new List<PushAction>();
        foreach (var (userId, displayName) in recipients)
        {
            var result = matcher.Evaluate(ruleSets[userId], userId, displayName);
            if (result.Actions.Count == 0)
            {
                continue;
            }

            if (!decided.TryGetValue(result.Actions, out var meaning))
            {
                meaning = (result.Notify, result.Highlight,
                    new JsonArray(result.Actions.Select(a => a?.DeepClone()).ToArray()).ToJsonString());
                decided[result.Actions] = meaning;
            }

            if (meaning.Notify || meaning.Highlight)
            {
                actions.Add(new PushAction(userId, threadId, meaning.Notify, meaning.Highlight, meaning.Json));
            }
        }

        return actions;
    }

    /// <summary>The thread an event belongs to: its root for an <c>m.thread</c> relation, else "main".</summary>
    public static string ThreadOf(Pdu pdu)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        return pdu.Content.ValueKind == JsonValueKind.Object &&
               pdu.Content.TryGetProperty("m.relates_to", out var relation) &&
               relation.ValueKind == JsonValueKind.Object &&
               relation.TryGetProperty("rel_type", out var relType) && relType.ValueKind == JsonValueKind.String &&
               relType.ValueEquals("m.thread") &&
               relation.TryGetProperty("event_id", out var root) && root.ValueKind == JsonValueKind.String
            ? root.GetString()!
            : MainThread;
    }
}
