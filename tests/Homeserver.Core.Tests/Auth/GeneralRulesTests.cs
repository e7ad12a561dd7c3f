using System.Text.Json.Nodes;
using Homeserver.Core.Auth;
using Homeserver.Core.Events;
using Homeserver.Core.Tests.Support;
using static Homeserver.Core.Tests.Auth.AuthTestData;
using static Homeserver.Core.Tests.Support.TestRoom;

namespace Homeserver.Core.Tests.Auth;

public sealed class GeneralRulesTests
{
    public static TheoryData<string> AllVersions => Versions();
    public static TheoryData<string> Pre12 => Versions(v => !v.RoomIdIsCreateEventId);
    public static TheoryData<string> Pre11 => Versions(v => !v.CreatorIsCreateSender);

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void A_valid_create_event_is_allowed(string version)
    {
        var room = new TestRoom(V(version));
        Assert.True(room.Check(room.Create).IsAllowed, room.Check(room.Create).Reason);
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void A_create_event_with_prev_events_is_rejected(string version)
    {
        var room = new TestRoom(V(version));
        var create = room.Build(EventTypes.Create, Alice, "", room.Create.ToJsonObject()["content"]!.DeepClone().AsObject(),
            prev: [room.Create], auth: []);
        Assert.Contains("prev_events", room.Check(create).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Pre12))]
    public void A_create_event_whose_room_id_is_from_another_server_is_rejected(string version)
    {
        var room = new TestRoom(V(version));
        var create = room.Build(EventTypes.Create, Bob, "", room.Create.ToJsonObject()["content"]!.DeepClone().AsObject(),
            prev: [], auth: []);
        Assert.False(room.Check(create).IsAllowed);
        Assert.Contains("server", room.Check(create).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void A_create_event_with_an_unknown_room_version_is_rejected(string version)
    {
        var room = new TestRoom(V(version), createContent: c => c["room_version"] = "99");
        Assert.Contains("room_version", room.Check(room.Create).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Pre11))]
    public void Before_version_11_a_create_event_needs_a_creator(string version)
    {
        var room = new TestRoom(V(version), createContent: c => c.Remove("creator"));
        Assert.Contains("creator", room.Check(room.Create).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("11")]
    [InlineData("12")]
    public void From_version_11_a_create_event_needs_no_creator(string version) =>
        Assert.True(new TestRoom(V(version)).Check(new TestRoom(V(version)).Create).IsAllowed);

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void Events_in_a_room_without_a_create_event_are_rejected(string version)
    {
        var room = new TestRoom(V(version)).WithDefaults();
        var message = room.Build("m.room.message", Alice, null, new JsonObject { ["body"] = "hi" });
        var state = new StateMap(room.State.Events.Values.Where(e => e.Type != EventTypes.Create));
        Assert.Contains("create", EventAuthorizer.Authorize(message, state).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void Events_from_other_servers_are_rejected_when_the_room_does_not_federate(string version)
    {
        var room = new TestRoom(V(version), createContent: c => c["m.federate"] = false).WithDefaults();
        room.Join(Bob);
        var fromBob = room.Build("m.room.message", Bob, null, new JsonObject());
        var fromAlice = room.Build("m.room.message", Alice, null, new JsonObject());
        Assert.Contains("federate", room.Check(fromBob).Reason, StringComparison.Ordinal);
        Assert.True(room.Check(fromAlice).IsAllowed);
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void Senders_who_are_not_joined_cannot_send(string version)
    {
        var room = new TestRoom(V(version)).WithDefaults();
        var message = room.Build("m.room.message", Bob, null, new JsonObject());
        Assert.Contains("not joined", room.Check(message).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void Third_party_invite_events_need_the_invite_level(string version)
    {
        var room = new TestRoom(V(version)).WithDefaults();
        room.Join(Bob);
        var users = new JsonObject { [Bob] = 10 };
        if (!room.Version.CreatorsHaveInfinitePower)
        {
            users[Alice] = 100;
        }

        room.SetPowerLevels(new JsonObject { ["users"] = users, ["invite"] = 20 });
        var invite = room.Build(EventTypes.ThirdPartyInvite, Bob, "token", new JsonObject());
        Assert.Contains("invite level", room.Check(invite).Reason, StringComparison.Ordinal);
        var byAlice = room.Build(EventTypes.ThirdPartyInvite, Alice, "token", new JsonObject());
        Assert.True(room.Check(byAlice).IsAllowed);
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void Events_need_their_type_level_falling_back_to_state_and_events_defaults(string version)
    {
        var room = new TestRoom(V(version)).WithDefaults();
        room.Join(Bob);
        var users = new JsonObject { [Bob] = 10 };
        if (!room.Version.CreatorsHaveInfinitePower)
        {
            users[Alice] = 100;
        }

        room.SetPowerLevels(new JsonObject
        {
            ["users"] = users,
            ["events"] = new JsonObject { ["m.room.topic"] = 5, ["m.reaction"] = 20 },
            ["events_default"] = 10,
            ["state_default"] = 11,
        });
        Assert.True(room.Check(room.Build("m.room.topic", Bob, "", new JsonObject())).IsAllowed);
        Assert.False(room.Check(room.Build("m.reaction", Bob, null, new JsonObject())).IsAllowed);
        Assert.True(room.Check(room.Build("m.room.message", Bob, null, new JsonObject())).IsAllowed);
        Assert.Contains("needs power level 11",
            room.Check(room.Build("m.room.name", Bob, "", new JsonObject())).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void Without_a_power_levels_event_state_needs_50_messages_0_and_only_the_creator_has_power(string version)
    {
        // The power levels schema: with no m.room.power_levels event, state_default is 50, events_default
        // and users_default 0, ban and kick 50, invite 0; the creator has 100 (infinite from version 12).
        var room = new TestRoom(V(version));
        room.Join(Alice);
        room.SetJoinRule("public");
        room.Join(Bob);
        room.Join(Carol);
        Assert.Contains("needs power level 50",
            room.Check(room.Build("m.room.name", Bob, "", new JsonObject())).Reason, StringComparison.Ordinal);
        Assert.True(room.Check(room.Build("m.room.name", Alice, "", new JsonObject())).IsAllowed);
        Assert.True(room.Check(room.Build("m.room.message", Bob, null, new JsonObject())).IsAllowed);
        Assert.False(room.Check(room.Member(Bob, Carol, "ban")).IsAllowed);
        Assert.False(room.Check(room.Member(Bob, Carol, "leave")).IsAllowed);
        Assert.True(room.Check(room.Member(Alice, Carol, "ban")).IsAllowed);
        Assert.True(room.Check(room.Member(Bob, Dave, "invite")).IsAllowed);
        Assert.False(room.Check(room.Member(Alice, Alice, "ban")).IsAllowed);
        Assert.False(room.Check(room.Build(EventTypes.PowerLevels, Bob, "",
            new JsonObject { ["users"] = new JsonObject { [Bob] = 0 } })).IsAllowed);
        Assert.True(room.Check(room.Build(EventTypes.PowerLevels, Alice, "", new JsonObject())).IsAllowed);
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void State_keys_starting_with_at_must_be_the_sender(string version)
    {
        var room = new TestRoom(V(version)).WithDefaults();
        Assert.Contains("'@'", room.Check(room.Build("m.custom", Alice, Bob, new JsonObject())).Reason,
            StringComparison.Ordinal);
        Assert.True(room.Check(room.Build("m.custom", Alice, Alice, new JsonObject())).IsAllowed);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("5")]
    public void Aliases_events_are_allowed_only_for_the_senders_server_before_version_6(string version)
    {
        var room = new TestRoom(V(version)).WithDefaults();
        Assert.False(room.Check(room.Build(EventTypes.Aliases, Bob, "a.example", new JsonObject())).IsAllowed);
        Assert.True(room.Check(room.Build(EventTypes.Aliases, Bob, "b.example", new JsonObject())).IsAllowed);
        Assert.Contains("must have a state_key",
            room.Check(room.Build(EventTypes.Aliases, Bob, null, new JsonObject())).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Aliases_events_follow_the_normal_rules_from_version_6()
    {
        var room = new TestRoom(RoomVersions.V6).WithDefaults();
        Assert.Contains("not joined", room.Check(room.Build(EventTypes.Aliases, Bob, "b.example", new JsonObject())).Reason,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("2")]
    public void Redactions_need_the_redact_level_or_the_same_server_in_versions_1_and_2(string version)
    {
        var room = new TestRoom(V(version)).WithDefaults();
        room.Join(Bob);
        var sameServer = room.Build(EventTypes.Redaction, Bob, null, new JsonObject(),
            customize: j => j["redacts"] = "$99:b.example");
        var otherServer = room.Build(EventTypes.Redaction, Bob, null, new JsonObject(),
            customize: j => j["redacts"] = "$99:a.example");
        var byAdmin = room.Build(EventTypes.Redaction, Alice, null, new JsonObject(),
            customize: j => j["redacts"] = "$99:b.example");
        Assert.True(room.Check(sameServer).IsAllowed);
        Assert.False(room.Check(otherServer).IsAllowed);
        Assert.Contains("below the redact level", room.Check(otherServer).Reason, StringComparison.Ordinal);
        Assert.True(room.Check(byAdmin).IsAllowed);
    }

    [Fact]
    public void Redactions_are_not_checked_by_the_auth_rules_from_version_3()
    {
        var room = new TestRoom(RoomVersions.V3).WithDefaults();
        room.Join(Bob);
        var otherServer = room.Build(EventTypes.Redaction, Bob, null, new JsonObject(),
            customize: j => j["redacts"] = "$abc");
        Assert.True(room.Check(otherServer).IsAllowed);
    }

    [Fact]
    public void In_version_12_the_room_id_must_be_the_create_event_id()
    {
        var room = new TestRoom(RoomVersions.V12).WithDefaults();
        var other = new TestRoom(RoomVersions.V12, createContent: c => c["x"] = 1);
        var message = room.Build("m.room.message", Alice, null, new JsonObject(),
            customize: j => j["room_id"] = other.RoomId);
        Assert.Contains("create event", room.Check(message).Reason, StringComparison.Ordinal);
    }
}
