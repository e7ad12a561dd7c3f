using System.Text.Json.Nodes;
using Homeserver.Core.Events;
using Homeserver.Core.Tests.Support;
using static Homeserver.Core.Tests.Auth.AuthTestData;
using static Homeserver.Core.Tests.Support.TestRoom;

namespace Homeserver.Core.Tests.Auth;

public sealed class MembershipRulesTests
{
    public static TheoryData<string> AllVersions => Versions();
    public static TheoryData<string> WithKnocking => Versions(v => v.AllowsKnocking);
    public static TheoryData<string> WithRestricted => Versions(v => v.AllowsRestrictedJoins);

    private static void Reject(TestRoom room, Pdu pdu, string reasonPart)
    {
        var result = room.Check(pdu);
        Assert.False(result.IsAllowed, $"expected rejection containing '{reasonPart}'");
        Assert.Contains(reasonPart, result.Reason, StringComparison.Ordinal);
    }

    private static void Allow(TestRoom room, Pdu pdu)
    {
        var result = room.Check(pdu);
        Assert.True(result.IsAllowed, result.Reason);
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void Member_events_need_a_membership(string version)
    {
        var room = new TestRoom(V(version)).WithDefaults();
        Reject(room, room.Build(EventTypes.Member, Bob, Bob, new JsonObject()), "needs a state_key and content.membership");
        Reject(room, room.Build(EventTypes.Member, Bob, null, new JsonObject { ["membership"] = "join" }),
            "needs a state_key and content.membership");
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void Unknown_memberships_are_rejected(string version)
    {
        var room = new TestRoom(V(version)).WithDefaults();
        Reject(room, room.Member(Bob, Bob, "dance"), "unknown membership");
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void The_creator_may_join_right_after_the_create_event(string version)
    {
        var room = new TestRoom(V(version));
        Allow(room, room.Member(Alice, Alice, "join"));
        Reject(room, room.Member(Bob, Bob, "join"), "join rule");
    }

    [Fact]
    public void Before_version_11_the_creator_is_content_creator_not_the_sender()
    {
        var room = new TestRoom(RoomVersions.V10, createContent: c => c["creator"] = Bob);
        Allow(room, room.Member(Bob, Bob, "join"));
        Reject(room, room.Member(Alice, Alice, "join"), "join rule");

        var v11 = new TestRoom(RoomVersions.V11, createContent: c => c["creator"] = Bob);
        Allow(v11, v11.Member(Alice, Alice, "join"));
        Reject(v11, v11.Member(Bob, Bob, "join"), "join rule");
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void Users_can_only_join_themselves(string version)
    {
        var room = new TestRoom(V(version)).WithDefaults();
        Reject(room, room.Member(Alice, Bob, "join"), "themselves");
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void Banned_users_cannot_join_a_public_room(string version)
    {
        var room = new TestRoom(V(version)).WithDefaults();
        room.SetMembership(Alice, Bob, "ban");
        Reject(room, room.Member(Bob, Bob, "join"), "banned");
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void Public_rooms_can_be_joined(string version)
    {
        var room = new TestRoom(V(version)).WithDefaults();
        Allow(room, room.Member(Bob, Bob, "join"));
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void Invite_only_rooms_need_an_invite(string version)
    {
        var room = new TestRoom(V(version)).WithDefaults("invite");
        Reject(room, room.Member(Bob, Bob, "join"), "not invited");
        room.SetMembership(Alice, Bob, "invite");
        Allow(room, room.Member(Bob, Bob, "join"));
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void Private_and_unknown_join_rules_do_not_allow_joining(string version)
    {
        var room = new TestRoom(V(version)).WithDefaults("private");
        Reject(room, room.Member(Bob, Bob, "join"), "does not allow joining");
    }

    [Theory]
    [MemberData(nameof(WithKnocking))]
    public void Knock_rooms_can_be_joined_with_an_invite(string version)
    {
        var room = new TestRoom(V(version)).WithDefaults("knock");
        Reject(room, room.Member(Bob, Bob, "join"), "not invited");
        room.SetMembership(Alice, Bob, "invite");
        Allow(room, room.Member(Bob, Bob, "join"));
    }

    [Theory]
    [MemberData(nameof(WithRestricted))]
    public void Restricted_joins_need_an_authorising_user_who_may_invite(string version)
    {
        var room = new TestRoom(V(version)).WithDefaults("restricted");
        var authorised = room.Member(Bob, Bob, "join", c => c["join_authorised_via_users_server"] = Alice,
            j => j["signatures"]!["a.example"] = new JsonObject { ["ed25519:1"] = "sig" });
        Allow(room, authorised);

        Reject(room, room.Member(Bob, Bob, "join"), "join_authorised_via_users_server");

        room.Join(Carol);
        var byUnprivileged = room.Member(Bob, Bob, "join", c => c["join_authorised_via_users_server"] = Dave,
            j => j["signatures"]!["d.example"] = new JsonObject { ["ed25519:1"] = "sig" });
        Reject(room, byUnprivileged, "may invite");
    }

    [Theory]
    [MemberData(nameof(WithRestricted))]
    public void Restricted_joins_must_be_signed_by_the_authorising_server(string version)
    {
        var room = new TestRoom(V(version)).WithDefaults("restricted");
        var unsigned = room.Member(Bob, Bob, "join", c => c["join_authorised_via_users_server"] = Alice);
        Reject(room, unsigned, "not signed");
        var verified = new Homeserver.Core.Auth.AuthOptions { IsSignedByServer = (_, server) => server == "a.example" };
        Assert.True(room.Check(unsigned, verified).IsAllowed);
    }

    [Theory]
    [MemberData(nameof(WithRestricted))]
    public void Any_membership_event_naming_an_authorising_user_must_be_signed_by_its_server(string version)
    {
        // Rule 4.2 of the v8+ auth rules applies to every m.room.member event with the property, not only joins.
        var room = new TestRoom(V(version)).WithDefaults();
        room.Join(Bob);
        var leave = room.Member(Bob, Bob, "leave", c => c["join_authorised_via_users_server"] = Carol);
        Reject(room, leave, "not signed");
        Allow(room, room.Member(Bob, Bob, "leave", c => c["join_authorised_via_users_server"] = Carol,
            j => j["signatures"]!["c.example"] = new JsonObject { ["ed25519:1"] = "sig" }));
        Reject(room, room.Member(Alice, Dave, "invite", c => c["join_authorised_via_users_server"] = Carol), "not signed");
    }

    [Theory]
    [MemberData(nameof(WithRestricted))]
    public void An_authorising_user_that_is_not_a_user_id_is_rejected(string version)
    {
        var room = new TestRoom(V(version)).WithDefaults();
        Reject(room, room.Member(Bob, Bob, "join", c => c["join_authorised_via_users_server"] = 5), "not signed");
        Reject(room, room.Member(Bob, Bob, "join", c => c["join_authorised_via_users_server"] = "alice"), "not signed");
        Allow(room, room.Member(Bob, Bob, "join"));
    }

    [Theory]
    [MemberData(nameof(WithRestricted))]
    public void Restricted_rooms_admit_invited_users_without_an_authoriser(string version)
    {
        var room = new TestRoom(V(version)).WithDefaults("restricted");
        room.SetMembership(Alice, Bob, "invite");
        Allow(room, room.Member(Bob, Bob, "join"));
    }

    [Fact]
    public void Restricted_is_unknown_before_version_8_and_knock_restricted_before_10()
    {
        var v7 = new TestRoom(RoomVersions.V7).WithDefaults("restricted");
        Reject(v7, v7.Member(Bob, Bob, "join", c => c["join_authorised_via_users_server"] = Alice), "does not allow");

        var v9 = new TestRoom(RoomVersions.V9).WithDefaults("knock_restricted");
        Reject(v9, v9.Member(Bob, Bob, "join", c => c["join_authorised_via_users_server"] = Alice,
            j => j["signatures"]!["a.example"] = new JsonObject { ["ed25519:1"] = "s" }), "does not allow");

        var v10 = new TestRoom(RoomVersions.V10).WithDefaults("knock_restricted");
        Allow(v10, v10.Member(Bob, Bob, "join", c => c["join_authorised_via_users_server"] = Alice,
            j => j["signatures"]!["a.example"] = new JsonObject { ["ed25519:1"] = "s" }));
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void Invites_need_a_joined_sender_with_the_invite_level_and_a_free_target(string version)
    {
        var room = new TestRoom(V(version)).WithDefaults();
        Allow(room, room.Member(Alice, Bob, "invite"));
        Reject(room, room.Member(Carol, Bob, "invite"), "inviter is not joined");

        room.Join(Carol);
        var users = new JsonObject { [Carol] = 5 };
        if (!room.Version.CreatorsHaveInfinitePower)
        {
            users[Alice] = 100;
        }

        room.SetPowerLevels(new JsonObject { ["users"] = users, ["invite"] = 10 });
        Reject(room, room.Member(Carol, Bob, "invite"), "below the invite level");

        room.Join(Bob);
        Reject(room, room.Member(Alice, Bob, "invite"), "already join");
        room.SetMembership(Alice, Bob, "ban");
        Reject(room, room.Member(Alice, Bob, "invite"), "already ban");
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void Users_can_leave_from_join_or_invite_but_not_from_ban_or_leave(string version)
    {
        var room = new TestRoom(V(version)).WithDefaults();
        Reject(room, room.Member(Bob, Bob, "leave"), "cannot leave from leave");
        room.SetMembership(Alice, Bob, "invite");
        Allow(room, room.Member(Bob, Bob, "leave"));
        room.Join(Bob);
        Allow(room, room.Member(Bob, Bob, "leave"));
        room.SetMembership(Alice, Bob, "ban");
        Reject(room, room.Member(Bob, Bob, "leave"), "cannot leave from ban");
    }

    [Theory]
    [MemberData(nameof(WithKnocking))]
    public void Knocking_users_can_withdraw_their_knock(string version)
    {
        var room = new TestRoom(V(version)).WithDefaults("knock");
        room.SetMembership(Bob, Bob, "knock");
        Allow(room, room.Member(Bob, Bob, "leave"));
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void Kicks_need_the_kick_level_and_a_higher_level_than_the_target(string version)
    {
        var room = new TestRoom(V(version)).WithDefaults();
        room.Join(Bob);
        room.Join(Carol);
        Reject(room, room.Member(Dave, Bob, "leave"), "sender is not joined");
        Reject(room, room.Member(Carol, Bob, "leave"), "kick level");
        Allow(room, room.Member(Alice, Bob, "leave"));

        var users = new JsonObject { [Bob] = 50, [Carol] = 50 };
        if (!room.Version.CreatorsHaveInfinitePower)
        {
            users[Alice] = 100;
        }

        room.SetPowerLevels(new JsonObject { ["users"] = users });
        Reject(room, room.Member(Carol, Bob, "leave"), "higher level than the target");
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void Unbanning_needs_the_ban_level(string version)
    {
        var room = new TestRoom(V(version)).WithDefaults();
        room.Join(Carol);
        var users = new JsonObject { [Carol] = 60 };
        if (!room.Version.CreatorsHaveInfinitePower)
        {
            users[Alice] = 100;
        }

        room.SetPowerLevels(new JsonObject { ["users"] = users, ["ban"] = 70, ["kick"] = 50 });
        room.SetMembership(Alice, Bob, "ban");
        Reject(room, room.Member(Carol, Bob, "leave"), "unbanning");
        Allow(room, room.Member(Alice, Bob, "leave"));
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void Bans_need_a_joined_sender_with_the_ban_level_above_the_target(string version)
    {
        var room = new TestRoom(V(version)).WithDefaults();
        room.Join(Bob);
        Reject(room, room.Member(Carol, Bob, "ban"), "sender is not joined");
        Reject(room, room.Member(Bob, Alice, "ban"), "ban level");
        Allow(room, room.Member(Alice, Bob, "ban"));
        Allow(room, room.Member(Alice, Dave, "ban"));
    }

    [Theory]
    [MemberData(nameof(WithKnocking))]
    public void Knocks_need_a_knock_join_rule_and_a_free_sender(string version)
    {
        var room = new TestRoom(V(version)).WithDefaults("knock");
        Allow(room, room.Member(Bob, Bob, "knock"));
        Reject(room, room.Member(Alice, Bob, "knock"), "themselves");
        room.SetMembership(Alice, Bob, "invite");
        Reject(room, room.Member(Bob, Bob, "knock"), "while invite");

        var publicRoom = new TestRoom(V(version)).WithDefaults();
        Reject(publicRoom, publicRoom.Member(Bob, Bob, "knock"), "does not allow knocking");
    }

    [Fact]
    public void Knock_restricted_rooms_accept_knocks_from_version_10()
    {
        var v10 = new TestRoom(RoomVersions.V10).WithDefaults("knock_restricted");
        Allow(v10, v10.Member(Bob, Bob, "knock"));
        var v9 = new TestRoom(RoomVersions.V9).WithDefaults("knock_restricted");
        Reject(v9, v9.Member(Bob, Bob, "knock"), "does not allow knocking");
    }

    [Fact]
    public void Knock_is_an_unknown_membership_before_version_7()
    {
        var room = new TestRoom(RoomVersions.V6).WithDefaults("knock");
        Reject(room, room.Member(Bob, Bob, "knock"), "unknown membership");
        Reject(room, room.Member(Bob, Bob, "join"), "does not allow joining");
    }
}
