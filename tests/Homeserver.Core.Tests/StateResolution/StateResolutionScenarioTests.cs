using System.Text.Json.Nodes;
using Homeserver.Core.Events;
using Homeserver.Core.StateResolution;
using Homeserver.Core.Tests.Support;
using static Homeserver.Core.Tests.Auth.AuthTestData;
using static Homeserver.Core.Tests.Support.TestRoom;

namespace Homeserver.Core.Tests.StateResolution;

/// <summary>The classic conflicts, written from the spec's algorithm, for state resolution v2 and v2.1.</summary>
public sealed class StateResolutionScenarioTests
{
    public static TheoryData<string> V2Versions => Versions(v => v.StateResolution != StateResolutionAlgorithm.V1);

    /// <summary>Alice is creator/admin, Bob has 50, Carol 0; the room is public and ban/kick need 50.</summary>
    private static TestRoom Room(string version)
    {
        var room = new TestRoom(V(version)).WithDefaults();
        room.Join(Bob);
        room.Join(Carol);
        room.SetPowerLevels(Levels(room, bob: 50));
        return room;
    }

    private static JsonObject Levels(TestRoom room, int bob, int carol = 0)
    {
        var users = new JsonObject { [Bob] = bob, [Carol] = carol };
        if (!room.Version.CreatorsHaveInfinitePower)
        {
            users[Alice] = 100;
        }

        return new JsonObject { ["users"] = users };
    }

    private static async Task<Dictionary<TypeAndStateKey, string>> Resolve(TestRoom room, params TestFork[] forks) =>
        await StateResolver.ResolveAsync(room.Version, forks.Select(f => f.StateIds).ToList(),
            new InMemoryEventSource(room.All));

    private static string? Get(Dictionary<TypeAndStateKey, string> state, string type, string key) =>
        state.GetValueOrDefault(new TypeAndStateKey(type, key));

    [Theory]
    [MemberData(nameof(V2Versions))]
    public async Task A_ban_by_a_user_demoted_in_a_concurrent_fork_is_undone(string version)
    {
        var room = Room(version);
        var carolJoin = room.State.Get(EventTypes.Member, Carol)!;
        var demote = room.Fork();
        var pl = demote.Send(EventTypes.PowerLevels, Alice, "", Levels(room, bob: 0));
        var ban = room.Fork();
        ban.Member(Bob, Carol, "ban");

        var resolved = await Resolve(room, demote, ban);
        Assert.Equal(pl.EventId, Get(resolved, EventTypes.PowerLevels, ""));
        Assert.Equal(carolJoin.EventId, Get(resolved, EventTypes.Member, Carol));
    }

    [Theory]
    [MemberData(nameof(V2Versions))]
    public async Task A_join_concurrent_with_closing_the_room_is_rejected(string version)
    {
        var room = Room(version);
        var close = room.Fork();
        var inviteOnly = close.Send(EventTypes.JoinRules, Alice, "", new JsonObject { ["join_rule"] = "invite" });
        var join = room.Fork();
        join.Member(Dave, Dave, "join");

        var resolved = await Resolve(room, close, join);
        Assert.Equal(inviteOnly.EventId, Get(resolved, EventTypes.JoinRules, ""));
        Assert.Null(Get(resolved, EventTypes.Member, Dave));
    }

    [Theory]
    [MemberData(nameof(V2Versions))]
    public async Task Concurrent_topics_under_the_same_power_levels_resolve_to_the_later_one(string version)
    {
        var room = Room(version);
        var a = room.Fork();
        a.Send("m.room.topic", Alice, "", new JsonObject { ["topic"] = "A" }, ts: 5000);
        var b = room.Fork();
        var later = b.Send("m.room.topic", Bob, "", new JsonObject { ["topic"] = "B" }, ts: 6000);

        Assert.Equal(later.EventId, Get(await Resolve(room, a, b), "m.room.topic", ""));
    }

    [Theory]
    [MemberData(nameof(V2Versions))]
    public async Task A_topic_based_on_newer_power_levels_wins_over_a_later_topic_on_older_ones(string version)
    {
        var room = Room(version);
        var a = room.Fork();
        a.Send(EventTypes.PowerLevels, Alice, "", Levels(room, bob: 50, carol: 1), ts: 5000);
        var onNewer = a.Send("m.room.topic", Alice, "", new JsonObject { ["topic"] = "A" }, ts: 5001);
        var b = room.Fork();
        b.Send("m.room.topic", Bob, "", new JsonObject { ["topic"] = "B" }, ts: 9000);

        Assert.Equal(onNewer.EventId, Get(await Resolve(room, a, b), "m.room.topic", ""));
    }

    [Theory]
    [MemberData(nameof(V2Versions))]
    public async Task A_topic_from_a_fork_whose_power_was_revoked_off_fork_is_dropped(string version)
    {
        var room = Room(version);
        var originalTopic = room.Send("m.room.topic", Alice, "", new JsonObject { ["topic"] = "original" });
        var a = room.Fork();
        a.Send(EventTypes.PowerLevels, Alice, "", Levels(room, bob: 50, carol: 50), ts: 5000);
        a.Send("m.room.topic", Carol, "", new JsonObject { ["topic"] = "carol's" }, ts: 5001);
        var b = room.Fork();
        var revoke = b.Send(EventTypes.PowerLevels, Alice, "", Levels(room, bob: 50, carol: 0), ts: 6000);
        b.Send("m.room.message", Bob, null, new JsonObject { ["body"] = "off topic" }, ts: 6001);

        var resolved = await Resolve(room, a, b);
        Assert.Equal(revoke.EventId, Get(resolved, EventTypes.PowerLevels, ""));
        Assert.Equal(originalTopic.EventId, Get(resolved, "m.room.topic", ""));
    }

    [Theory]
    [MemberData(nameof(V2Versions))]
    public async Task Concurrent_power_level_changes_by_equals_apply_in_timestamp_order(string version)
    {
        var room = Room(version);
        var a = room.Fork();
        a.Send(EventTypes.PowerLevels, Alice, "", Levels(room, bob: 50, carol: 10), ts: 5000);
        var b = room.Fork();
        var later = b.Send(EventTypes.PowerLevels, Alice, "", Levels(room, bob: 50, carol: 20), ts: 6000);

        Assert.Equal(later.EventId, Get(await Resolve(room, b, a), EventTypes.PowerLevels, ""));
    }

    [Theory]
    [MemberData(nameof(V2Versions))]
    public async Task A_lower_users_concurrent_power_change_loses_to_the_admins_demotion(string version)
    {
        var room = Room(version);
        var admin = room.Fork();
        var demotion = admin.Send(EventTypes.PowerLevels, Alice, "", Levels(room, bob: 0), ts: 9000);
        var moderator = room.Fork();
        moderator.Send(EventTypes.PowerLevels, Bob, "", Levels(room, bob: 50, carol: 40), ts: 5000);

        Assert.Equal(demotion.EventId, Get(await Resolve(room, admin, moderator), EventTypes.PowerLevels, ""));
    }

    [Theory]
    [MemberData(nameof(V2Versions))]
    public async Task Unconflicted_state_is_kept_as_is(string version)
    {
        var room = Room(version);
        var a = room.Fork();
        var b = room.Fork();
        var resolved = await Resolve(room, a, b);
        Assert.Equal(a.StateIds.OrderBy(e => e.Key.ToString()), resolved.OrderBy(e => e.Key.ToString()));
    }

    [Theory]
    [MemberData(nameof(V2Versions))]
    public async Task Keys_only_one_fork_has_are_conflicted_and_must_pass_auth(string version)
    {
        var room = Room(version);
        var a = room.Fork();
        var bobName = a.Send("m.custom", Bob, "", new JsonObject(), ts: 5000);
        var b = room.Fork();
        b.Send(EventTypes.PowerLevels, Alice, "", Levels(room, bob: 0), ts: 4000);

        var resolved = await Resolve(room, a, b);
        Assert.Null(Get(resolved, "m.custom", ""));
        Assert.NotEqual(bobName.EventId, Get(resolved, "m.custom", ""));
    }

    [Theory]
    [MemberData(nameof(V2Versions))]
    public async Task A_ban_is_resolved_before_the_banned_users_concurrent_state_even_if_older(string version)
    {
        var room = Room(version);
        room.SetPowerLevels(Levels(room, bob: 50, carol: 50));
        var originalTopic = room.Send("m.room.topic", Alice, "", new JsonObject { ["topic"] = "original" });
        var a = room.Fork();
        var ban = a.Member(Alice, Carol, "ban", ts: 9000);
        var b = room.Fork();
        b.Send("m.room.topic", Carol, "", new JsonObject { ["topic"] = "carol's" }, ts: 5000);

        var resolved = await Resolve(room, a, b);
        Assert.Equal(ban.EventId, Get(resolved, EventTypes.Member, Carol));
        Assert.Equal(originalTopic.EventId, Get(resolved, "m.room.topic", ""));
    }

    [Theory]
    [MemberData(nameof(V2Versions))]
    public async Task Power_events_only_in_one_forks_auth_chain_are_replayed(string version)
    {
        // PL1 (Alice gives Bob 50) is superseded by Bob's PL2 in fork A, so it is in no state, only in
        // the auth difference; without replaying it, Bob's PL2 would fail against the older levels.
        var room = Room(version);
        room.SetPowerLevels(Levels(room, bob: 0));
        var original = room.State.Get(EventTypes.PowerLevels, "")!;
        var a = room.Fork();
        a.Send(EventTypes.PowerLevels, Alice, "", Levels(room, bob: 50), ts: 5000);
        var byBob = a.Send(EventTypes.PowerLevels, Bob, "", Levels(room, bob: 50, carol: 10), ts: 5001);
        var b = room.Fork();

        var resolved = await Resolve(room, a, b);
        Assert.NotEqual(original.EventId, Get(resolved, EventTypes.PowerLevels, ""));
        Assert.Equal(byBob.EventId, Get(resolved, EventTypes.PowerLevels, ""));
    }
}
