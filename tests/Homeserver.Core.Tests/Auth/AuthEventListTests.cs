using System.Text.Json.Nodes;
using Homeserver.Core.Auth;
using Homeserver.Core.Events;
using Homeserver.Core.Tests.Support;
using static Homeserver.Core.Tests.Auth.AuthTestData;
using static Homeserver.Core.Tests.Support.TestRoom;

namespace Homeserver.Core.Tests.Auth;

public sealed class AuthEventListTests
{
    public static TheoryData<string> AllVersions => Versions();

    private static List<Pdu> AuthEventsOf(TestRoom room, Pdu pdu) =>
        room.State.Events.Values.Concat(room.All).Where(e => pdu.AuthEvents.Contains(e.EventId)).Distinct().ToList();

    private static AuthResult Check(TestRoom room, Pdu pdu, IReadOnlyList<Pdu> authEvents, Func<string, bool>? rejected = null) =>
        EventAuthorizer.AuthorizeWithAuthEvents(pdu, authEvents, room.Create, rejected);

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void An_event_is_authorised_by_its_selected_auth_events(string version)
    {
        var room = new TestRoom(V(version)).WithDefaults();
        var join = room.Member(Bob, Bob, "join");
        Assert.True(Check(room, join, AuthEventsOf(room, join)).IsAllowed, Check(room, join, AuthEventsOf(room, join)).Reason);
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void Auth_events_rejected_on_receipt_reject_the_event(string version)
    {
        var room = new TestRoom(V(version)).WithDefaults();
        var join = room.Member(Bob, Bob, "join");
        var joinRules = room.State.Get(EventTypes.JoinRules, "")!.EventId;
        Assert.Contains("was rejected", Check(room, join, AuthEventsOf(room, join), id => id == joinRules).Reason,
            StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void Duplicate_auth_event_keys_are_rejected(string version)
    {
        var room = new TestRoom(V(version)).WithDefaults();
        var oldLevels = room.State.Get(EventTypes.PowerLevels, "")!;
        room.SetPowerLevels(new JsonObject());
        var newLevels = room.State.Get(EventTypes.PowerLevels, "")!;
        var message = room.Build("m.room.message", Alice, null, new JsonObject(),
            auth: [.. AuthEventsOf(room, room.Build("m.room.message", Alice, null, new JsonObject())), oldLevels]);
        Assert.Contains("twice", Check(room, message, AuthEventsOf(room, message)).Reason, StringComparison.Ordinal);
        Assert.NotEqual(oldLevels.EventId, newLevels.EventId);
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void Auth_events_outside_the_selection_are_rejected(string version)
    {
        var room = new TestRoom(V(version)).WithDefaults();
        var topic = room.Send("m.room.topic", Alice, "", new JsonObject { ["topic"] = "t" });
        var message = room.Build("m.room.message", Alice, null, new JsonObject(),
            auth: [.. AuthEventsOf(room, room.Build("m.room.message", Alice, null, new JsonObject())), topic]);
        Assert.Contains("may not list", Check(room, message, AuthEventsOf(room, message)).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void Auth_events_from_another_room_are_rejected(string version)
    {
        var room = new TestRoom(V(version)).WithDefaults();
        var other = new TestRoom(V(version), creator: Bob, createContent: c => c["x"] = 1);
        var otherJoin = other.Join(Bob);
        var message = room.Build("m.room.message", Bob, null, new JsonObject(),
            auth: [.. AuthEventsOf(room, room.Build("m.room.message", Bob, null, new JsonObject())), otherJoin]);
        Assert.Contains("another room", Check(room, message, [.. AuthEventsOf(room, message), otherJoin]).Reason,
            StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void Events_not_listed_in_auth_events_cannot_be_passed_as_auth_events(string version)
    {
        var room = new TestRoom(V(version)).WithDefaults();
        var message = room.Build("m.room.message", Alice, null, new JsonObject(), auth: [room.Create]);
        var joinRules = room.State.Get(EventTypes.JoinRules, "")!;
        Assert.Contains("not in the event's auth_events", Check(room, message, [joinRules]).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void The_create_event_must_be_listed_before_version_12_and_never_in_12(string version)
    {
        var room = new TestRoom(V(version)).WithDefaults();
        var aliceJoin = room.State.Get(EventTypes.Member, Alice)!;
        var levels = room.State.Get(EventTypes.PowerLevels, "")!;
        var withoutCreate = room.Build("m.room.message", Alice, null, new JsonObject(), auth: [aliceJoin, levels]);
        var withCreate = room.Build("m.room.message", Alice, null, new JsonObject(), auth: [room.Create, aliceJoin, levels]);
        if (room.Version.RoomIdIsCreateEventId)
        {
            Assert.True(Check(room, withoutCreate, [aliceJoin, levels]).IsAllowed);
            Assert.Contains("may not list", Check(room, withCreate, [room.Create, aliceJoin, levels]).Reason,
                StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("auth_events has no m.room.create", Check(room, withoutCreate, [aliceJoin, levels]).Reason,
                StringComparison.Ordinal);
            Assert.True(Check(room, withCreate, [room.Create, aliceJoin, levels]).IsAllowed);
        }
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void The_selection_lists_join_rules_third_party_invites_and_authorisers_for_members(string version)
    {
        var v = V(version);
        var content = System.Text.Json.JsonSerializer.SerializeToElement(new JsonObject
        {
            ["membership"] = "join",
            ["join_authorised_via_users_server"] = Carol,
        });
        var keys = AuthEventSelection.KeysFor(EventTypes.Member, Bob, Bob, content, v);
        Assert.Contains(new TypeAndStateKey(EventTypes.JoinRules, ""), keys);
        Assert.Equal(v.AllowsRestrictedJoins, keys.Contains(new TypeAndStateKey(EventTypes.Member, Carol)));
        Assert.Equal(!v.RoomIdIsCreateEventId, keys.Contains(new TypeAndStateKey(EventTypes.Create, "")));

        var invite = System.Text.Json.JsonSerializer.SerializeToElement(new JsonObject
        {
            ["membership"] = "invite",
            ["third_party_invite"] = new JsonObject { ["signed"] = new JsonObject { ["token"] = "tok" } },
        });
        Assert.Contains(new TypeAndStateKey(EventTypes.ThirdPartyInvite, "tok"),
            AuthEventSelection.KeysFor(EventTypes.Member, Alice, Bob, invite, v));
        var leave = System.Text.Json.JsonSerializer.SerializeToElement(new JsonObject { ["membership"] = "leave" });
        Assert.DoesNotContain(new TypeAndStateKey(EventTypes.JoinRules, ""),
            AuthEventSelection.KeysFor(EventTypes.Member, Alice, Bob, leave, v));
    }
}
