using System.Text.Json.Nodes;
using Homeserver.Core.Events;
using Homeserver.Core.StateResolution;
using Homeserver.Core.Tests.Support;
using static Homeserver.Core.Tests.Auth.AuthTestData;
using static Homeserver.Core.Tests.Support.TestRoom;

namespace Homeserver.Core.Tests.StateResolution;

/// <summary>
/// The auth difference counts each state set's own events as part of its auth chain (as Synapse's
/// chain cover index does): otherwise an unconflicted event cited by only one fork joins the full
/// conflicted set and changes the power ordering.
/// </summary>
public sealed class StateResolutionAuthDifferenceTests
{
    private const string Erin = "@erin:e.example";

    public static TheoryData<string> V2Versions => Versions(v => v.StateResolution != StateResolutionAlgorithm.V1);

    public static TheoryData<string> VersionsWithoutInfiniteCreators =>
        Versions(v => v.StateResolution != StateResolutionAlgorithm.V1 && !v.CreatorsHaveInfinitePower);

    private static async Task<string?> ResolvedPowerLevels(TestRoom room, params TestFork[] forks)
    {
        var resolved = await StateResolver.ResolveAsync(room.Version, forks.Select(f => f.StateIds).ToList(),
            new InMemoryEventSource(room.All));
        return resolved.GetValueOrDefault(new TypeAndStateKey(EventTypes.PowerLevels, ""));
    }

    private static JsonObject Users(TestRoom room, params (string User, int Level)[] levels)
    {
        var users = new JsonObject();
        if (!room.Version.CreatorsHaveInfinitePower)
        {
            users[Alice] = 100;
        }

        foreach (var (user, level) in levels)
        {
            users[user] = level;
        }

        return new JsonObject { ["users"] = users };
    }

    /// <summary>
    /// The case, worked by hand. PL0 = {A:100, B:100} (sent by A, citing A's join); PA by A adds
    /// Carol (ts 100002), PB by B adds Dave (ts 100001). Auth chains with the state events themselves:
    /// B's join is in both (it is state in both forks), so the full conflicted set is {PA, PB}, ordered
    /// by timestamp PB, PA; PA then passes against PB (A outranks Dave's 50) and wins. Leaving the state
    /// events out puts B's join (cited only by PB) in the difference; its sender has level 0 in its own
    /// auth events, so PA sorts first and PB, applied last, wins.
    /// </summary>
    [Theory]
    [MemberData(nameof(VersionsWithoutInfiniteCreators))]
    public async Task Two_admins_changing_power_levels_concurrently_resolve_to_the_later_sorted_change(string version)
    {
        var room = new TestRoom(V(version)).WithDefaults();
        room.Join(Bob);
        room.SetPowerLevels(Users(room, (Bob, 100)));
        var a = room.Fork();
        var pa = a.Send(EventTypes.PowerLevels, Alice, "", Users(room, (Bob, 100), (Carol, 50)), ts: 100002);
        var b = room.Fork();
        var pb = b.Send(EventTypes.PowerLevels, Bob, "", Users(room, (Bob, 100), (Dave, 50)), ts: 100001);

        Assert.Equal(pa.EventId, await ResolvedPowerLevels(room, a, b));
        Assert.Equal(pa.EventId, await ResolvedPowerLevels(room, b, a));
        Assert.NotEqual(pb.EventId, await ResolvedPowerLevels(room, a, b));
    }

    /// <summary>
    /// The same shape with two admins who are not creators, so it holds in version 12 too: Bob sends PL0
    /// = {Bob:100, Carol:100}; PB by Bob adds Dave (ts 100002), PC by Carol adds Erin (ts 100001). Synapse
    /// sorts PC, PB and keeps PB.
    /// </summary>
    [Theory]
    [MemberData(nameof(V2Versions))]
    public async Task Two_non_creator_admins_changing_power_levels_concurrently_resolve_like_synapse(string version)
    {
        var room = new TestRoom(V(version)).WithDefaults();
        room.Join(Bob);
        room.SetPowerLevels(Users(room, (Bob, 100)));
        room.Join(Carol);
        room.SetPowerLevels(Users(room, (Bob, 100), (Carol, 100)), sender: Bob);
        var b = room.Fork();
        var pb = b.Send(EventTypes.PowerLevels, Bob, "", Users(room, (Bob, 100), (Carol, 100), (Dave, 50)), ts: 100002);
        var c = room.Fork();
        c.Send(EventTypes.PowerLevels, Carol, "", Users(room, (Bob, 100), (Carol, 100), (Erin, 50)), ts: 100001);

        Assert.Equal(pb.EventId, await ResolvedPowerLevels(room, b, c));
        Assert.Equal(pb.EventId, await ResolvedPowerLevels(room, c, b));
    }
}
