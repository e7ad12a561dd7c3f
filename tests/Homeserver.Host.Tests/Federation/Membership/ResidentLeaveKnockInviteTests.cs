using System.Text.Json.Nodes;
using Homeserver.Core.Crypto;
using Homeserver.Core.Encoding;
using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Core.Signing;
using Homeserver.Host.Tests.Support;
using Homeserver.Services.Federation.Membership;
using static Homeserver.Host.Tests.Federation.Membership.ResidentServerFixture;

namespace Homeserver.Host.Tests.Federation.Membership;

/// <summary>make_leave/send_leave, make_knock/send_knock and exchange_third_party_invite on the server hosting the
/// room (server-server API, "Leaving rooms", "Knocking upon a room", "Third-party invites").</summary>
public sealed class ResidentLeaveKnockInviteTests(ResidentServerFixture fixture) : IClassFixture<ResidentServerFixture>
{
    private static readonly string[] AllVersions = RoomVersions.All.Select(v => v.Id).ToArray();
    private static readonly CancellationToken None = CancellationToken.None;

    private MembershipTemplates Templates => fixture.Get<MembershipTemplates>();

    private MembershipSends Sends => fixture.Get<MembershipSends>();

    [Fact]
    public async Task A_remote_member_leaves_through_make_leave_and_send_leave()
    {
        var owner = await fixture.Server.RegisterAsync();
        var roomId = await owner.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        var user = NewRemoteUser();
        var strangerLeave = await Assert.ThrowsAsync<MatrixException>(() =>
            Templates.MakeLeaveAsync(RemoteServer, roomId, user, None));
        var joinMake = Element(await Templates.MakeJoinAsync(RemoteServer, roomId, user, AllVersions, None));
        var join = SignAsRemote(joinMake);
        await Sends.SendJoinAsync(RemoteServer, roomId, EventIdOf(join, RoomVersions.Default), Element(join), false,
            None);

        var make = Element(await Templates.MakeLeaveAsync(RemoteServer, roomId, user, None));
        Assert.Equal("leave", make.GetProperty("event").GetProperty("content").GetProperty("membership").GetString());
        var leave = SignAsRemote(make);
        var joinAgain = SignAsRemote(joinMake);
        var notALeave = await Assert.ThrowsAsync<MatrixException>(() => Sends.SendLeaveAsync(RemoteServer, roomId,
            EventIdOf(joinAgain, RoomVersions.Default), Element(joinAgain), None));
        var response = await Sends.SendLeaveAsync(RemoteServer, roomId, EventIdOf(leave, RoomVersions.Default),
            Element(leave), None);

        Assert.Equal(ErrorCode.Forbidden, strangerLeave.Code); // not in the room: nothing to leave
        Assert.Equal(ErrorCode.InvalidParam, notALeave.Code);
        Assert.Empty(response);
        Assert.Equal("leave", await fixture.MembershipAsync(roomId, user));

        // Joining again: the state before the join holds the leave, also when other members are omitted.
        var rejoin = SignAsRemote(Element(await Templates.MakeJoinAsync(RemoteServer, roomId, user, AllVersions,
            None)));
        var rejoined = Element(await Sends.SendJoinAsync(RemoteServer, roomId, EventIdOf(rejoin, RoomVersions.Default),
            Element(rejoin), true, None));
        var ownMembers = rejoined.GetProperty("state").EnumerateArray()
            .Where(e => e.GetProperty("type").GetString() == EventTypes.Member &&
                        e.GetProperty("state_key").GetString() == user)
            .Select(e => EventIdOf(JsonNode.Parse(e.GetRawText())!.AsObject(), RoomVersions.Default)).ToList();
        Assert.Equal([EventIdOf(leave, RoomVersions.Default)], ownMembers);
    }

    [Fact]
    public async Task A_remote_user_knocks_and_is_given_the_rooms_stripped_state()
    {
        var owner = await fixture.Server.RegisterAsync();
        var roomId = await owner.CreateRoomAsync(WithJoinRule("knock", "Knock knock"));
        var publicRoom = await owner.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        var user = NewRemoteUser();

        var make = Element(await Templates.MakeKnockAsync(RemoteServer, roomId, user, AllVersions, None));
        var refusedVersion = await Assert.ThrowsAsync<MatrixException>(() =>
            Templates.MakeKnockAsync(RemoteServer, roomId, user, ["6"], None));
        var notKnockable = await Assert.ThrowsAsync<MatrixException>(() =>
            Templates.MakeKnockAsync(RemoteServer, publicRoom, user, AllVersions, None));
        var knock = SignAsRemote(make);
        var response = Element(await Sends.SendKnockAsync(RemoteServer, roomId, EventIdOf(knock, RoomVersions.Default),
            Element(knock), None));

        Assert.Equal("knock", make.GetProperty("event").GetProperty("content").GetProperty("membership").GetString());
        Assert.Equal(ErrorCode.IncompatibleRoomVersion, refusedVersion.Code);
        Assert.Equal(ErrorCode.Forbidden, notKnockable.Code);
        var types = response.GetProperty("knock_room_state").EnumerateArray()
            .Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Contains(EventTypes.Create, types);
        Assert.Contains(EventTypes.JoinRules, types);
        Assert.Contains("m.room.name", types);
        Assert.All(response.GetProperty("knock_room_state").EnumerateArray(),
            e => Assert.True(e.TryGetProperty("signatures", out _), "knock_room_state holds full PDUs"));
        Assert.Equal("knock", await fixture.MembershipAsync(roomId, user));
    }

    [Fact]
    public async Task A_third_party_invite_signed_with_the_invites_key_is_exchanged_for_an_invite()
    {
        var owner = await fixture.Server.RegisterAsync();
        var roomId = await owner.CreateRoomAsync(new JsonObject { ["preset"] = "private_chat" });
        var identityKey = SigningKey.FromSeed("0", Enumerable.Repeat((byte)3, 32).ToArray());
        var wrongKey = SigningKey.FromSeed("0", Enumerable.Repeat((byte)4, 32).ToArray());
        await owner.SetStateAsync(roomId, EventTypes.ThirdPartyInvite, "token1", new JsonObject
        {
            ["display_name"] = "a...@example.org",
            ["key_validity_url"] = "https://identity.test/_matrix/identity/v2/pubkey/isvalid",
            ["public_key"] = UnpaddedBase64.Encode(identityKey.KeyPair.PublicKey),
        });
        var user = NewRemoteUser("invitee");
        var exchange = fixture.Get<ThirdPartyInviteExchange>();

        var forged = await Assert.ThrowsAsync<MatrixException>(() => exchange.ExchangeAsync(RemoteServer, roomId,
            Element(Exchange(roomId, owner.UserId, user, "token1", wrongKey)), None));
        var otherServersUser = await Assert.ThrowsAsync<MatrixException>(() => exchange.ExchangeAsync(RemoteServer,
            roomId, Element(Exchange(roomId, owner.UserId, "@x:other.test", "token1", identityKey)), None));
        Assert.Null(await fixture.MembershipAsync(roomId, user));
        await exchange.ExchangeAsync(RemoteServer, roomId,
            Element(Exchange(roomId, owner.UserId, user, "token1", identityKey)), None);

        Assert.Equal(ErrorCode.Forbidden, forged.Code);
        Assert.Equal(ErrorCode.Forbidden, otherServersUser.Code);
        Assert.Equal("invite", await fixture.MembershipAsync(roomId, user));
        var member = await owner.GetStateAsync(roomId, EventTypes.Member, user);
        Assert.Equal("a...@example.org",
            member.GetProperty("third_party_invite").GetProperty("display_name").GetString());
    }

    private static JsonObject Exchange(string roomId, string sender, string invitee, string token, SigningKey key)
    {
        var signed = JsonSigning.Sign(new JsonObject { ["mxid"] = invitee, ["token"] = token }, "identity.test", key);
        return new JsonObject
        {
            ["type"] = EventTypes.Member,
            ["room_id"] = roomId,
            ["sender"] = sender,
            ["state_key"] = invitee,
            ["content"] = new JsonObject
            {
                ["membership"] = "invite",
                ["third_party_invite"] = new JsonObject { ["display_name"] = "alice", ["signed"] = signed },
            },
        };
    }

    private static JsonObject WithJoinRule(string rule, string name) => new()
    {
        ["preset"] = "public_chat",
        ["name"] = name,
        ["initial_state"] = new JsonArray
        {
            new JsonObject
            {
                ["type"] = EventTypes.JoinRules, ["state_key"] = "",
                ["content"] = new JsonObject { ["join_rule"] = rule },
            },
        },
    };
}
