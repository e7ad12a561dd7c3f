using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Accounts;

/// <summary>A deactivated account leaves its rooms and rejects its invites, as Synapse's deactivation parts the
/// user, whether the user or a server admin deactivates it.</summary>
public sealed class DeactivationDepartureTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task Deactivating_oneself_leaves_joined_rooms_and_rejects_invites()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var joined = await bob.SharedRoomAsync(alice);
        var invitedTo = await bob.CreateRoomAsync();
        await bob.InviteAsync(invitedTo, alice.UserId);

        await MatrixAssert.OkAsync(await alice.Client.PostAsJsonAsync("/_matrix/client/v3/account/deactivate",
            new JsonObject
            {
                ["auth"] = new JsonObject
                {
                    ["type"] = "m.login.password",
                    ["identifier"] = new JsonObject { ["type"] = "m.id.user", ["user"] = alice.UserId },
                    ["password"] = LiveServer.Password,
                },
            }));

        Assert.Equal("leave", await MembershipAsync(bob, joined, alice.UserId));
        Assert.Equal("leave", await MembershipAsync(bob, invitedTo, alice.UserId));
    }

    [Fact]
    public async Task Admin_deactivation_leaves_the_users_rooms_and_keeps_their_bans()
    {
        var admin = await Server.RegisterAdminAsync();
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var joined = await bob.SharedRoomAsync(alice);
        var banned = await bob.SharedRoomAsync(alice);
        await MatrixAssert.OkAsync(await bob.Client.PostAsJsonAsync(
            $"/_matrix/client/v3/rooms/{RoomSteps.Escape(banned)}/ban", new JsonObject { ["user_id"] = alice.UserId }));

        await MatrixAssert.OkAsync(await admin.Client.PostAsJsonAsync(
            $"/_synapse/admin/v1/deactivate/{RoomSteps.Escape(alice.UserId)}", new JsonObject()));

        Assert.Equal("leave", await MembershipAsync(bob, joined, alice.UserId));
        Assert.Equal("ban", await MembershipAsync(bob, banned, alice.UserId));
    }

    private static async Task<string?> MembershipAsync(TestSession reader, string roomId, string userId) =>
        (await reader.GetStateAsync(roomId, "m.room.member", userId)).GetProperty("membership").GetString();
}
