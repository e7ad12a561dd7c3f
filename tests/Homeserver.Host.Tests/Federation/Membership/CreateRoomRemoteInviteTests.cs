using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Host.Tests.Support;
using Homeserver.Services.Rooms;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Federation.Membership;

/// <summary>
/// createRoom's <c>invite</c> list naming another server's user: the invite goes to that user's server (PUT
/// /v2/invite, through <see cref="IRemoteMembership"/>) as an invite with <c>/invite</c> does, instead of being
/// written only here where the invitee would never hear of it.
/// </summary>
public sealed class CreateRoomRemoteInviteTests
{
    [Fact]
    public async Task CreateRoom_sends_the_invite_of_another_servers_user_to_their_server()
    {
        var remote = new RecordingRemoteMembership();
        await using var server = await LiveServer.StartAsync(
            services: s => s.AddSingleton<IRemoteMembership>(remote));
        var alice = await server.RegisterAsync();
        var local = await server.RegisterAsync();
        const string bob = "@bob:elsewhere.test";

        var (status, created) = await server.PostAsync("/_matrix/client/v3/createRoom", new JsonObject
        {
            ["preset"] = "private_chat", ["is_direct"] = true, ["name"] = "with friends",
            ["invite"] = new JsonArray(bob, local.UserId),
        }, alice.AccessToken);

        Assert.True(status == HttpStatusCode.OK, created.ToString());
        var roomId = created.GetProperty("room_id").GetString()!;
        var (invite, strippedState) = Assert.Single(remote.Invites);
        Assert.Equal(roomId, invite.RoomId);
        Assert.Equal((EventTypes.Member, alice.UserId, bob), (invite.Type, invite.Sender, invite.StateKey));
        Assert.Equal("invite", invite.Content.GetProperty("membership").GetString());
        Assert.True(invite.Content.GetProperty("is_direct").GetBoolean());
        Assert.Contains(strippedState, e => (string?)e!["type"] == "m.room.name");
        foreach (var invitee in new[] { bob, local.UserId })
        {
            var (memberStatus, member) = await server.GetAsync(
                $"/_matrix/client/v3/rooms/{roomId}/state/m.room.member/{Uri.EscapeDataString(invitee)}",
                alice.AccessToken);
            Assert.True(memberStatus == HttpStatusCode.OK, member.ToString());
            Assert.Equal("invite", member.GetProperty("membership").GetString());
        }
    }

    /// <summary>The invitee's server as the test sees it: records each invite and hands it back as it came (the
    /// invitee server's signature is no part of what the room writer checks).</summary>
    private sealed class RecordingRemoteMembership : IRemoteMembership
    {
        public List<(Pdu Invite, JsonArray StrippedState)> Invites { get; } = [];

        public Task<Pdu> InviteAsync(Pdu invite, JsonArray inviteRoomState, CancellationToken cancellationToken)
        {
            lock (Invites)
            {
                Invites.Add((invite, inviteRoomState));
            }

            return Task.FromResult(invite);
        }

        public Task JoinAsync(UserId user, RoomId roomId, IReadOnlyList<ServerName> servers, JsonObject content,
            CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task LeaveAsync(UserId user, RoomId roomId, IReadOnlyList<ServerName> servers, JsonObject content,
            CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task KnockAsync(UserId user, RoomId roomId, IReadOnlyList<ServerName> servers, JsonObject content,
            CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
