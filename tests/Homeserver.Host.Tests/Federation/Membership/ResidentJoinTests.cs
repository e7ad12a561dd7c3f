using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Host.Tests.Support;
using Homeserver.Services.Federation.Membership;
using Homeserver.Services.Rooms;
using static Homeserver.Host.Tests.Federation.Membership.ResidentServerFixture;

namespace Homeserver.Host.Tests.Federation.Membership;

/// <summary>make_join and send_join on the server hosting the room (server-server API, "Joining rooms").</summary>
public sealed class ResidentJoinTests(ResidentServerFixture fixture) : IClassFixture<ResidentServerFixture>
{
    private static readonly string[] AllVersions = RoomVersions.All.Select(v => v.Id).ToArray();
    private static readonly CancellationToken None = CancellationToken.None;

    private MembershipTemplates Templates => fixture.Get<MembershipTemplates>();

    private MembershipSends Sends => fixture.Get<MembershipSends>();

    [Fact]
    public async Task Make_join_answers_a_template_built_on_the_room_head()
    {
        var owner = await fixture.Server.RegisterAsync();
        var roomId = await owner.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        var user = NewRemoteUser();
        var head = await fixture.HeadAsync(roomId);

        var response = Element(await Templates.MakeJoinAsync(RemoteServer, roomId, user, AllVersions, None));

        Assert.Equal(head.Version.Id, response.GetProperty("room_version").GetString());
        var template = response.GetProperty("event");
        Assert.Equal(EventTypes.Member, template.GetProperty("type").GetString());
        Assert.Equal(roomId, template.GetProperty("room_id").GetString());
        Assert.Equal(user, template.GetProperty("sender").GetString());
        Assert.Equal(user, template.GetProperty("state_key").GetString());
        Assert.Equal("resident.test", template.GetProperty("origin").GetString());
        Assert.Equal("join", template.GetProperty("content").GetProperty("membership").GetString());
        Assert.False(template.GetProperty("content").TryGetProperty(RestrictedJoins.AuthorisedVia, out _));
        Assert.Equal(head.ForwardExtremities.Select(e => e.EventId),
            template.GetProperty("prev_events").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(head.ForwardExtremities.Max(e => e.Depth) + 1, template.GetProperty("depth").GetInt64());
        var auth = template.GetProperty("auth_events").EnumerateArray().Select(e => e.GetString()).ToHashSet();
        Assert.Contains(head.Get("m.room.power_levels", "")!.EventId, auth);
        Assert.Contains(head.Get(EventTypes.JoinRules, "")!.EventId, auth);
        Assert.False(template.TryGetProperty("signatures", out _));
        Assert.False(template.TryGetProperty("hashes", out _));
    }

    [Fact]
    public async Task Make_join_refuses_a_server_that_does_not_support_the_rooms_version()
    {
        var owner = await fixture.Server.RegisterAsync();
        var roomId = await owner.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });

        var error = await Assert.ThrowsAsync<MatrixException>(() =>
            Templates.MakeJoinAsync(RemoteServer, roomId, NewRemoteUser(), ["1", "2"], None));
        var noVersions = await Assert.ThrowsAsync<MatrixException>(() =>
            Templates.MakeJoinAsync(RemoteServer, roomId, NewRemoteUser(), [], None));

        Assert.Equal(ErrorCode.IncompatibleRoomVersion, error.Code);
        Assert.Equal(400, error.HttpStatus);
        Assert.Equal(RoomVersions.Default.Id, error.ExtraFields["room_version"]);
        Assert.Equal(ErrorCode.IncompatibleRoomVersion, noVersions.Code);
    }

    [Fact]
    public async Task Make_join_refuses_a_user_of_another_server_an_unknown_room_and_a_banned_user()
    {
        var owner = await fixture.Server.RegisterAsync();
        var roomId = await owner.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        var banned = NewRemoteUser("banned");
        await MatrixAssert.OkAsync(await owner.PostRoomAsync(roomId, "ban", new JsonObject { ["user_id"] = banned }));

        var otherServer = await Assert.ThrowsAsync<MatrixException>(() =>
            Templates.MakeJoinAsync(RemoteServer, roomId, "@someone:other.test", AllVersions, None));
        var unknown = await Assert.ThrowsAsync<MatrixException>(() =>
            Templates.MakeJoinAsync(RemoteServer, "!nowhere:resident.test", NewRemoteUser(), AllVersions, None));
        var ban = await Assert.ThrowsAsync<MatrixException>(() =>
            Templates.MakeJoinAsync(RemoteServer, roomId, banned, AllVersions, None));

        Assert.Equal(ErrorCode.Forbidden, otherServer.Code);
        Assert.Equal(ErrorCode.NotFound, unknown.Code);
        Assert.Equal(ErrorCode.Forbidden, ban.Code);
    }

    [Fact]
    public async Task Every_handshake_refuses_a_server_the_rooms_acl_denies()
    {
        var owner = await fixture.Server.RegisterAsync();
        var roomId = await owner.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        var user = NewRemoteUser();
        var join = SignAsRemote(Element(await Templates.MakeJoinAsync(RemoteServer, roomId, user, AllVersions, None)));
        await owner.SetStateAsync(roomId, "m.room.server_acl", "", new JsonObject
        {
            ["allow"] = new JsonArray("*"), ["deny"] = new JsonArray(Remote), ["allow_ip_literals"] = false,
        });

        var makeJoin = await Assert.ThrowsAsync<MatrixException>(() =>
            Templates.MakeJoinAsync(RemoteServer, roomId, user, AllVersions, None));
        var makeKnock = await Assert.ThrowsAsync<MatrixException>(() =>
            Templates.MakeKnockAsync(RemoteServer, roomId, user, AllVersions, None));
        var sendJoin = await Assert.ThrowsAsync<MatrixException>(() => Sends.SendJoinAsync(RemoteServer, roomId,
            EventIdOf(join, RoomVersions.Default), Element(join), false, None));

        Assert.All(new[] { makeJoin, makeKnock, sendJoin }, e => Assert.Equal(ErrorCode.Forbidden, e.Code));
        Assert.Contains("server ACL", sendJoin.Message, StringComparison.Ordinal);
        Assert.Null(await fixture.MembershipAsync(roomId, user));
    }

    [Fact]
    public async Task Send_join_answers_the_state_before_the_join_with_its_auth_chain_and_the_joiner_is_a_member()
    {
        var owner = await fixture.Server.RegisterAsync();
        var roomId = await owner.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat", ["name"] = "Lobby" });
        var user = NewRemoteUser();
        var stateBefore = (await fixture.HeadAsync(roomId)).State.Values.Select(e => e.EventId).ToHashSet();

        var (join, response) = await JoinAsync(roomId, user, omitMembers: false);

        var state = Ids(response.GetProperty("state"));
        Assert.Equal(stateBefore.Order(), state.Order());
        var authChain = Ids(response.GetProperty("auth_chain"));
        foreach (var authEvent in join["auth_events"]!.AsArray().Select(e => e!.GetValue<string>()))
        {
            Assert.Contains(authEvent, authChain);
        }

        Assert.DoesNotContain(EventIdOf(join, RoomVersions.Default), authChain);
        Assert.False(response.GetProperty("members_omitted").GetBoolean());
        Assert.False(response.TryGetProperty("servers_in_room", out _));
        Assert.Equal(user, response.GetProperty("event").GetProperty("sender").GetString());
        Assert.Equal("join", await fixture.MembershipAsync(roomId, user));

        // A resident sees the remote member in /sync.
        var sync = await owner.GetJsonAsync("/_matrix/client/v3/sync");
        var timeline = sync.GetProperty("rooms").GetProperty("join").GetProperty(roomId).GetProperty("timeline")
            .GetProperty("events").EnumerateArray();
        Assert.Contains(timeline, e => e.GetProperty("type").GetString() == EventTypes.Member &&
                                       e.GetProperty("state_key").GetString() == user);
    }

    [Fact]
    public async Task Send_join_with_omit_members_leaves_out_other_members_and_names_the_servers_in_the_room()
    {
        var owner = await fixture.Server.RegisterAsync();
        var other = await fixture.Server.RegisterAsync();
        var named = await owner.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat", ["name"] = "Named" });
        await other.JoinAsync(named);
        var unnamed = await owner.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        await other.JoinAsync(unnamed);

        var (_, response) = await JoinAsync(named, NewRemoteUser(), omitMembers: true);
        var (_, heroes) = await JoinAsync(unnamed, NewRemoteUser(), omitMembers: true);

        Assert.True(response.GetProperty("members_omitted").GetBoolean());
        Assert.Equal(["resident.test"],
            response.GetProperty("servers_in_room").EnumerateArray().Select(s => s.GetString()));
        var state = response.GetProperty("state").EnumerateArray().ToList();
        Assert.DoesNotContain(state, e => e.GetProperty("type").GetString() == EventTypes.Member);
        Assert.Contains(state, e => e.GetProperty("type").GetString() == "m.room.name");
        // The auth chain leaves out what the state holds, but keeps the members the state's events need.
        var stateIds = Ids(response.GetProperty("state"));
        var chain = response.GetProperty("auth_chain").EnumerateArray().ToList();
        Assert.DoesNotContain(chain, e => stateIds.Contains(IdOf(e)));
        Assert.Contains(chain, e => e.GetProperty("type").GetString() == EventTypes.Member &&
                                    e.GetProperty("state_key").GetString() == owner.UserId);

        // Without a name or alias, the heroes' member events stay (a DM's other party).
        var heroMembers = heroes.GetProperty("state").EnumerateArray()
            .Where(e => e.GetProperty("type").GetString() == EventTypes.Member)
            .Select(e => e.GetProperty("state_key").GetString()).Order().ToList();
        Assert.Equal(new[] { owner.UserId, other.UserId }.Order(), heroMembers);
    }

    [Fact]
    public async Task Send_join_refuses_an_event_of_another_room_another_id_or_another_server()
    {
        var owner = await fixture.Server.RegisterAsync();
        var roomId = await owner.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        var otherRoom = await owner.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        var user = NewRemoteUser();
        var make = Element(await Templates.MakeJoinAsync(RemoteServer, roomId, user, AllVersions, None));
        var join = SignAsRemote(make);
        var eventId = EventIdOf(join, RoomVersions.Default);
        var foreign = SignAsRemote(make, e =>
        {
            e["sender"] = "@x:other.test";
            e["state_key"] = "@x:other.test";
        });

        var wrongRoom = await Assert.ThrowsAsync<MatrixException>(() =>
            Sends.SendJoinAsync(RemoteServer, otherRoom, eventId, Element(join), false, None));
        var wrongId = await Assert.ThrowsAsync<MatrixException>(() =>
            Sends.SendJoinAsync(RemoteServer, roomId, "$not-this-one", Element(join), false, None));
        var wrongServer = await Assert.ThrowsAsync<MatrixException>(() => Sends.SendJoinAsync(RemoteServer, roomId,
            EventIdOf(foreign, RoomVersions.Default), Element(foreign), false, None));
        var tampered = join.DeepClone().AsObject();
        tampered["content"]!["displayname"] = "changed after signing";
        var badHash = await Assert.ThrowsAsync<MatrixException>(() => Sends.SendJoinAsync(RemoteServer, roomId,
            eventId, Element(tampered), false, None));

        Assert.Equal(ErrorCode.InvalidParam, wrongRoom.Code);
        Assert.Equal(ErrorCode.InvalidParam, wrongId.Code);
        Assert.Equal(ErrorCode.Forbidden, wrongServer.Code);
        Assert.Equal(ErrorCode.InvalidParam, badHash.Code);
        Assert.Null(await fixture.MembershipAsync(roomId, user));
    }

    [Fact]
    public async Task Send_join_refuses_a_join_the_auth_rules_refuse()
    {
        var owner = await fixture.Server.RegisterAsync();
        var roomId = await owner.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        var user = NewRemoteUser();
        var make = Element(await Templates.MakeJoinAsync(RemoteServer, roomId, user, AllVersions, None));
        await MatrixAssert.OkAsync(await owner.PostRoomAsync(roomId, "ban", new JsonObject { ["user_id"] = user }));
        // Built on the head the template named: the ban came after it, so the join is refused against current state.
        var join = SignAsRemote(make);

        var refused = await Assert.ThrowsAsync<MatrixException>(() => Sends.SendJoinAsync(RemoteServer, roomId,
            EventIdOf(join, RoomVersions.Default), Element(join), false, None));

        Assert.Equal(ErrorCode.Forbidden, refused.Code);
        Assert.Equal("ban", await fixture.MembershipAsync(roomId, user));
    }

    [Fact]
    public async Task A_restricted_join_is_authorised_by_a_resident_who_may_invite_and_signed_by_this_server()
    {
        var owner = await fixture.Server.RegisterAsync();
        var space = await owner.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        var roomId = await owner.CreateRoomAsync(Restricted(space));
        var member = NewRemoteUser("member");
        var stranger = NewRemoteUser("stranger");
        await JoinAsync(space, member, omitMembers: false);

        var make = Element(await Templates.MakeJoinAsync(RemoteServer, roomId, member, AllVersions, None));
        var notInSpace = await Assert.ThrowsAsync<MatrixException>(() =>
            Templates.MakeJoinAsync(RemoteServer, roomId, stranger, AllVersions, None));
        var unknownSpaceRoom = await owner.CreateRoomAsync(Restricted("!elsewhere:other.test"));
        var unknownSpace = await Assert.ThrowsAsync<MatrixException>(() =>
            Templates.MakeJoinAsync(RemoteServer, unknownSpaceRoom, member, AllVersions, None));

        Assert.Equal(owner.UserId, make.GetProperty("event").GetProperty("content")
            .GetProperty(RestrictedJoins.AuthorisedVia).GetString());
        Assert.Equal(ErrorCode.Forbidden, notInSpace.Code);
        Assert.Equal(ErrorCode.UnableToAuthoriseJoin, unknownSpace.Code);
        Assert.Equal(400, unknownSpace.HttpStatus);

        var join = SignAsRemote(make);
        var response = Element(await Sends.SendJoinAsync(RemoteServer, roomId, EventIdOf(join, RoomVersions.Default),
            Element(join), false, None));

        var signatures = response.GetProperty("event").GetProperty("signatures");
        Assert.True(signatures.TryGetProperty("resident.test", out _));
        Assert.True(signatures.TryGetProperty(Remote, out _));
        Assert.Equal("join", await fixture.MembershipAsync(roomId, member));

        // A join naming our resident for a user the join rule does not admit is not signed.
        var forged = SignAsRemote(make, e =>
        {
            e["sender"] = stranger;
            e["state_key"] = stranger;
        });
        var refused = await Assert.ThrowsAsync<MatrixException>(() => Sends.SendJoinAsync(RemoteServer, roomId,
            EventIdOf(forged, RoomVersions.Default), Element(forged), false, None));
        Assert.Equal(ErrorCode.Forbidden, refused.Code);
        Assert.Null(await fixture.MembershipAsync(roomId, stranger));
    }

    [Fact]
    public async Task A_restricted_join_no_resident_can_authorise_is_refused_as_unable_to_grant()
    {
        var owner = await fixture.Server.RegisterAsync();
        var space = await owner.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        var body = Restricted(space);
        // Inviting needs more power than any resident but the creator has; the creator has left.
        body["power_level_content_override"] = new JsonObject { ["invite"] = 150 };
        var roomId = await owner.CreateRoomAsync(body);
        var member = NewRemoteUser("member");
        await JoinAsync(space, member, omitMembers: false);
        var helper = await fixture.Server.RegisterAsync();
        await owner.InviteAsync(roomId, helper.UserId);
        await helper.JoinAsync(roomId);
        await owner.LeaveAsync(roomId);

        var error = await Assert.ThrowsAsync<MatrixException>(() =>
            Templates.MakeJoinAsync(RemoteServer, roomId, member, AllVersions, None));

        Assert.Equal(ErrorCode.UnableToGrantJoin, error.Code);
        Assert.Equal(400, error.HttpStatus);
    }

    private async Task<(JsonObject Join, JsonElement Response)> JoinAsync(string roomId, string user, bool omitMembers)
    {
        var make = Element(await Templates.MakeJoinAsync(RemoteServer, roomId, user, AllVersions, None));
        var join = SignAsRemote(make);
        var response = await Sends.SendJoinAsync(RemoteServer, roomId, EventIdOf(join, RoomVersions.Default),
            Element(join), omitMembers, None);
        return (join, Element(response));
    }

    private static JsonObject Restricted(string allowedRoom) => new()
    {
        ["preset"] = "public_chat",
        ["initial_state"] = new JsonArray
        {
            new JsonObject
            {
                ["type"] = EventTypes.JoinRules, ["state_key"] = "",
                ["content"] = new JsonObject
                {
                    ["join_rule"] = "restricted",
                    ["allow"] = new JsonArray(new JsonObject { ["type"] = "m.room_membership", ["room_id"] = allowedRoom }),
                },
            },
        },
    };

    private static HashSet<string> Ids(JsonElement events) => events.EnumerateArray().Select(IdOf).ToHashSet();

    private static string IdOf(JsonElement pdu) =>
        EventIdOf(JsonNode.Parse(pdu.GetRawText())!.AsObject(), RoomVersions.Default);
}
