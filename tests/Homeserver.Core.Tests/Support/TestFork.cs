using System.Text.Json.Nodes;
using Homeserver.Core.Auth;
using Homeserver.Core.Events;

namespace Homeserver.Core.Tests.Support;

/// <summary>A branch of a test room's DAG with its own state; events are checked against it before applying.</summary>
internal sealed class TestFork(TestRoom room, StateMap state, Pdu last)
{
    public StateMap State { get; } = state;

    public Pdu Last { get; private set; } = last;

    public IReadOnlyDictionary<TypeAndStateKey, string> StateIds =>
        State.Events.ToDictionary(e => e.Key, e => e.Value.EventId);

    /// <summary>Sends an event on this branch; it must pass auth against the branch's state.</summary>
    public Pdu Send(string type, string sender, string? stateKey, JsonObject content, long? ts = null)
    {
        var pdu = room.Build(type, sender, stateKey, content, prev: [Last], authFrom: State, ts: ts);
        var result = EventAuthorizer.Authorize(pdu, State);
        Assert.True(result.IsAllowed, $"fork event {type} {stateKey} should be allowed: {result.Reason}");
        if (pdu.IsState)
        {
            State.Set(pdu);
        }

        room.Register(pdu);
        Last = pdu;
        return pdu;
    }

    public Pdu Member(string sender, string target, string membership, long? ts = null) =>
        Send(EventTypes.Member, sender, target, new JsonObject { ["membership"] = membership }, ts);
}
