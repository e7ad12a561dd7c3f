using System.Text.Json.Nodes;
using Homeserver.Core.Events;
using Homeserver.Core.StateResolution;
using Homeserver.Core.Tests.Support;
using static Homeserver.Core.Tests.Support.TestRoom;

namespace Homeserver.Core.Tests.StateResolution;

/// <summary>Where room version 12's state resolution (v2.1, MSC4297) differs from v2.</summary>
public sealed class StateResolutionV21Tests
{
    /// <summary>
    /// Bob (50) makes the room invite-only and then leaves; after that the forks split and Alice makes
    /// it public again in one of them. Bob's leave is unconflicted. v2 checks the conflicted power events
    /// against the unconflicted state, where Bob has left, so his join rule is rejected and Alice's
    /// stands. v2.1 starts from an empty state, Bob's event is checked against its own auth events and
    /// is applied after Alice's (lower power sorts later), so it wins.
    /// </summary>
    private static async Task<(string Resolved, string ByBob, string ByAlice)> JoinRulesAfterLeave(RoomVersion version)
    {
        var room = new TestRoom(version).WithDefaults();
        room.Join(Bob);
        var users = new JsonObject { [Bob] = 50 };
        if (!version.CreatorsHaveInfinitePower)
        {
            users[Alice] = 100;
        }

        room.SetPowerLevels(new JsonObject { ["users"] = users, ["state_default"] = 50 });
        var byBob = room.Send(EventTypes.JoinRules, Bob, "", new JsonObject { ["join_rule"] = "invite" });
        room.SetMembership(Bob, Bob, "leave");
        var a = room.Fork();
        var b = room.Fork();
        var byAlice = b.Send(EventTypes.JoinRules, Alice, "", new JsonObject { ["join_rule"] = "public" });

        var resolved = await StateResolver.ResolveAsync(version, [a.StateIds, b.StateIds],
            new InMemoryEventSource(room.All));
        return (resolved[new TypeAndStateKey(EventTypes.JoinRules, "")], byBob.EventId, byAlice.EventId);
    }

    [Fact]
    public async Task V2_checks_conflicted_power_events_against_the_unconflicted_state()
    {
        var (resolved, _, byAlice) = await JoinRulesAfterLeave(RoomVersions.V11);
        Assert.Equal(byAlice, resolved);
    }

    [Fact]
    public async Task V2_1_checks_conflicted_power_events_starting_from_an_empty_state()
    {
        var (resolved, byBob, _) = await JoinRulesAfterLeave(RoomVersions.V12);
        Assert.Equal(byBob, resolved);
    }

    [Fact]
    public async Task The_conflicted_subgraph_holds_the_events_on_auth_paths_between_conflicted_events()
    {
        var room = new TestRoom(RoomVersions.V12).WithDefaults();
        var pl1 = room.State.Get(EventTypes.PowerLevels, "")!;
        room.Join(Bob);
        var pl2 = room.SetPowerLevels(new JsonObject { ["users"] = new JsonObject { [Bob] = 10 } });
        var bobMember = room.State.Get(EventTypes.Member, Bob)!;
        var pl3 = room.SetPowerLevels(new JsonObject { ["users"] = new JsonObject { [Bob] = 20 } });

        var graph = new EventGraph(new InMemoryEventSource(room.All));
        await graph.LoadWithAuthChainsAsync([pl3.EventId], CancellationToken.None);
        int Index(Pdu pdu) => graph.TryGetIndex(pdu.EventId, out var index) ? index : -1;
        var inSubgraph = graph.ConflictedSubgraph([Index(pl3), Index(pl1)]);
        var subgraph = room.All.Where(e => Index(e) >= 0 && inSubgraph[Index(e)]).Select(e => e.EventId).ToList();

        Assert.Contains(pl2.EventId, subgraph);
        Assert.Contains(pl1.EventId, subgraph);
        Assert.Contains(pl3.EventId, subgraph);
        Assert.DoesNotContain(bobMember.EventId, subgraph);
        Assert.DoesNotContain(room.State.Get(EventTypes.Member, Alice)!.EventId, subgraph);
    }

    /// <summary>
    /// PL1 (Bob 0) &lt;- PL2 (Alice gives Bob 50) &lt;- PL3 (sent by Bob). One state has PL3, the other
    /// has the same state but PL1 (as a faulty server might report). PL2 is in both auth chains, so it is
    /// not in the auth difference: v2 replays only PL1 and PL3, rejects Bob's PL3 and resets the room to
    /// PL1. v2.1 adds PL2 as part of the conflicted subgraph and ends at PL3.
    /// </summary>
    private static async Task<(string Resolved, string Pl1, string Pl3)> PowerLevelsReset(RoomVersion version)
    {
        var room = new TestRoom(version).WithDefaults();
        room.Join(Bob);
        JsonObject Users(int bob)
        {
            var users = new JsonObject { [Bob] = bob };
            if (!version.CreatorsHaveInfinitePower)
            {
                users[Alice] = 100;
            }

            return new JsonObject { ["users"] = users };
        }

        var pl1 = room.SetPowerLevels(Users(0));
        room.SetPowerLevels(Users(50));
        room.Join(Carol);
        var pl3 = room.Send(EventTypes.PowerLevels, Bob, "", new JsonObject
        {
            ["users"] = Users(50)["users"]!.DeepClone(),
            ["events_default"] = 1,
        });
        var current = room.State.Events.ToDictionary(e => e.Key, e => e.Value.EventId);
        var reset = new Dictionary<TypeAndStateKey, string>(current)
        {
            [new TypeAndStateKey(EventTypes.PowerLevels, "")] = pl1.EventId,
        };

        var resolved = await StateResolver.ResolveAsync(version, [current, reset], new InMemoryEventSource(room.All));
        return (resolved[new TypeAndStateKey(EventTypes.PowerLevels, "")], pl1.EventId, pl3.EventId);
    }

    [Fact]
    public async Task V2_resets_power_levels_when_the_intermediate_event_is_in_every_auth_chain()
    {
        var (resolved, pl1, _) = await PowerLevelsReset(RoomVersions.V11);
        Assert.Equal(pl1, resolved);
    }

    [Fact]
    public async Task V2_1_includes_the_conflicted_subgraph_and_keeps_the_latest_power_levels()
    {
        var (resolved, _, pl3) = await PowerLevelsReset(RoomVersions.V12);
        Assert.Equal(pl3, resolved);
    }

    [Fact]
    public async Task Unconflicted_entries_win_over_older_events_replayed_from_the_conflicted_subgraph()
    {
        // Bob's kick of Carol cites his first join, which lies on the auth path from the kick to the
        // conflicted join rules; v2.1 replays that old join, and step 5 must restore Bob's newer,
        // unconflicted membership.
        var room = new TestRoom(RoomVersions.V12).WithDefaults();
        var firstJoinRules = room.State.Get(EventTypes.JoinRules, "")!;
        var bobFirstJoin = room.Join(Bob);
        room.SetPowerLevels(new JsonObject { ["users"] = new JsonObject { [Bob] = 50 } });
        room.Join(Carol);
        var kick = room.Member(Bob, Carol, "leave");
        var bobRename = room.Send(EventTypes.Member, Bob, Bob,
            new JsonObject { ["membership"] = "join", ["displayname"] = "Bobby" });
        room.SetJoinRule("invite");
        room.Register(kick);

        var stateB = room.State.Events.ToDictionary(e => e.Key, e => e.Value.EventId);
        var stateA = new Dictionary<TypeAndStateKey, string>(stateB)
        {
            [new TypeAndStateKey(EventTypes.JoinRules, "")] = firstJoinRules.EventId,
            [new TypeAndStateKey(EventTypes.Member, Carol)] = kick.EventId,
        };

        var resolved = await StateResolver.ResolveAsync(RoomVersions.V12, [stateA, stateB],
            new InMemoryEventSource(room.All));
        Assert.Equal(bobRename.EventId, resolved[new TypeAndStateKey(EventTypes.Member, Bob)]);
        Assert.NotEqual(bobFirstJoin.EventId, bobRename.EventId);
    }
}
