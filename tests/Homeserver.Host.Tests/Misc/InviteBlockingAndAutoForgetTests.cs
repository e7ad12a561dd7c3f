using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using Homeserver.Host.Tests.Sync;

namespace Homeserver.Host.Tests.Misc;

/// <summary>Invite blocking (MSC4380) and forgetting rooms on leave (MSC4267).</summary>
public sealed class InviteBlockingAndAutoForgetTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    private static async Task BlockInvitesAsync(TestSession session, string type, bool block) =>
        await MatrixAssert.OkAsync(await session.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/user/{RoomSteps.Escape(session.UserId)}/account_data/{type}",
            new JsonObject { ["block_all"] = block }));

    [Theory]
    [InlineData("org.matrix.msc4380.invite_permission_config", "ORG.MATRIX.MSC4380.INVITE_BLOCKED")]
    [InlineData("m.invite_permission_config", "M_INVITE_BLOCKED")]
    public async Task A_user_blocking_all_invites_cannot_be_invited_nor_invited_at_creation(string type, string errcode)
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync();
        await BlockInvitesAsync(bob, type, block: true);

        await MatrixAssert.ErrorAsync(await alice.PostRoomAsync(room, "invite", new JsonObject { ["user_id"] = bob.UserId }),
            HttpStatusCode.Forbidden, errcode);
        await MatrixAssert.ErrorAsync(await alice.Client.PostAsJsonAsync("/_matrix/client/v3/createRoom",
            new JsonObject { ["invite"] = new JsonArray(bob.UserId) }), HttpStatusCode.Forbidden, errcode);

        await BlockInvitesAsync(bob, type, block: false);
        await alice.InviteAsync(room, bob.UserId);
    }

    [Fact]
    public async Task Invites_already_received_are_left_out_of_sync_while_invites_are_blocked()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync();
        await alice.InviteAsync(room, bob.UserId);
        Assert.NotNull((await bob.SyncAsync()).Room("invite", room));

        await BlockInvitesAsync(bob, "org.matrix.msc4380.invite_permission_config", block: true);

        Assert.Null((await bob.SyncAsync()).Room("invite", room));
    }

    [Fact]
    public async Task Without_the_setting_leaving_keeps_the_room_readable_and_the_capability_says_so()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var room = await alice.CreateRoomWithVisibilityAsync("shared");
        await bob.JoinAsync(room);

        await bob.LeaveAsync(room);

        await MatrixAssert.OkAsync(await bob.GetRoomAsync(room, "messages?dir=b"));
        Assert.False(await ForgetForcedAsync(bob));
    }

    [Fact]
    public async Task With_forget_rooms_on_leave_leaving_kicks_and_bans_forget_the_room()
    {
        await using var server = await LiveServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Rooms:ForgetRoomsOnLeave"] = "true",
        });
        var alice = await server.RegisterAsync();
        var bob = await server.RegisterAsync();
        var carol = await server.RegisterAsync();
        var room = await alice.CreateRoomWithVisibilityAsync("shared");
        await bob.JoinAsync(room);
        await carol.JoinAsync(room);
        Assert.True(await ForgetForcedAsync(bob));

        await bob.LeaveAsync(room);
        await MatrixAssert.OkAsync(await alice.PostRoomAsync(room, "kick", new JsonObject { ["user_id"] = carol.UserId }));

        await MatrixAssert.ErrorAsync(await bob.GetRoomAsync(room, "messages?dir=b"), HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await carol.GetRoomAsync(room, "messages?dir=b"), HttpStatusCode.Forbidden,
            "M_FORBIDDEN");
    }

    private static async Task<bool> ForgetForcedAsync(TestSession session)
    {
        var capabilities = (await SpecSchema.AssertValidAsync(await session.Client.GetAsync("/_matrix/client/v3/capabilities")))
            .GetProperty("capabilities");
        var unstable = capabilities.GetProperty("org.matrix.msc4267.forget_forced_upon_leave").GetProperty("enabled")
            .GetBoolean();
        Assert.Equal(unstable, capabilities.GetProperty("m.forget_forced_upon_leave").GetProperty("enabled").GetBoolean());
        return unstable;
    }
}
