using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Misc;

/// <summary>Server admin endpoints: whois, and locking and suspending accounts (spec v1.18).</summary>
public sealed class AdminTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    private static string Lock(string userId) => $"/_matrix/client/v1/admin/lock/{RoomSteps.Escape(userId)}";

    private static string Suspend(string userId) => $"/_matrix/client/v1/admin/suspend/{RoomSteps.Escape(userId)}";

    [Fact]
    public async Task Whois_lists_the_devices_with_their_last_address_for_admins_and_the_user_itself()
    {
        var admin = await Server.RegisterAdminAsync();
        var user = await Server.RegisterAsync();
        await MatrixAssert.OkAsync(await user.Client.GetAsync("/_matrix/client/v3/account/whoami"));
        var path = $"/_matrix/client/v3/admin/whois/{RoomSteps.Escape(user.UserId)}";

        var body = await SpecSchema.AssertValidAsync(await admin.Client.GetAsync(path));
        var own = await MatrixAssert.OkAsync(await user.Client.GetAsync(path));

        Assert.Equal(user.UserId, body.GetProperty("user_id").GetString());
        var device = body.GetProperty("devices").GetProperty(user.DeviceId);
        Assert.Equal(device.GetRawText(), own.GetProperty("devices").GetProperty(user.DeviceId).GetRawText());
        Assert.Single(device.GetProperty("sessions").EnumerateArray());
        await MatrixAssert.ErrorAsync(
            await user.Client.GetAsync($"/_matrix/client/v3/admin/whois/{RoomSteps.Escape(admin.UserId)}"),
            HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task A_locked_user_gets_401_user_locked_with_soft_logout_everywhere_but_logout_until_unlocked()
    {
        var admin = await Server.RegisterAdminAsync();
        var user = await Server.RegisterAsync();
        var other = await Server.LoginAsync(user.UserId);

        var locked = await admin.Client.PutAsJsonAsync(Lock(user.UserId), new JsonObject { ["locked"] = true });
        await SpecSchema.AssertValidAsync(locked, new JsonObject { ["locked"] = true });
        Assert.True((await MatrixAssert.OkAsync(await admin.Client.GetAsync(Lock(user.UserId))))
            .GetProperty("locked").GetBoolean());

        var refused = await MatrixAssert.ErrorAsync(await user.Client.GetAsync("/_matrix/client/v3/account/whoami"),
            HttpStatusCode.Unauthorized, "M_USER_LOCKED");
        Assert.True(refused.GetProperty("soft_logout").GetBoolean());
        await MatrixAssert.OkAsync(await other.Client.PostAsJsonAsync("/_matrix/client/v3/logout", new JsonObject()));

        await MatrixAssert.OkAsync(await admin.Client.PutAsJsonAsync(Lock(user.UserId), new JsonObject { ["locked"] = false }));
        await MatrixAssert.OkAsync(await user.Client.GetAsync("/_matrix/client/v3/account/whoami"));
    }

    [Fact]
    public async Task A_suspended_user_may_read_and_leave_but_not_send_join_invite_create_or_change_its_profile()
    {
        var admin = await Server.RegisterAdminAsync();
        var user = await Server.RegisterAsync();
        var friend = await Server.RegisterAsync();
        var room = await user.CreateRoomAsync();
        var other = await friend.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        var message = await user.SendTextAsync(room, "before");

        await MatrixAssert.OkAsync(await admin.Client.PutAsJsonAsync(Suspend(user.UserId),
            new JsonObject { ["suspended"] = true }));
        Assert.True((await SpecSchema.AssertValidAsync(await admin.Client.GetAsync(Suspend(user.UserId))))
            .GetProperty("suspended").GetBoolean());

        await MatrixAssert.ErrorAsync(await user.TrySendAsync(room, "m.room.message",
            new JsonObject { ["msgtype"] = "m.text", ["body"] = "x" }), HttpStatusCode.Forbidden, "M_USER_SUSPENDED");
        await MatrixAssert.ErrorAsync(await user.TrySetStateAsync(room, "m.room.topic", "", new JsonObject { ["topic"] = "t" }),
            HttpStatusCode.Forbidden, "M_USER_SUSPENDED");
        await MatrixAssert.ErrorAsync(await user.TryJoinAsync(other), HttpStatusCode.Forbidden, "M_USER_SUSPENDED");
        await MatrixAssert.ErrorAsync(await user.PostRoomAsync(room, "invite", new JsonObject { ["user_id"] = friend.UserId }),
            HttpStatusCode.Forbidden, "M_USER_SUSPENDED");
        await MatrixAssert.ErrorAsync(await user.Client.PostAsJsonAsync("/_matrix/client/v3/createRoom", new JsonObject()),
            HttpStatusCode.Forbidden, "M_USER_SUSPENDED");
        await MatrixAssert.ErrorAsync(await user.Client.PutAsJsonAsync(
                $"/_matrix/client/v3/profile/{RoomSteps.Escape(user.UserId)}/displayname",
                new JsonObject { ["displayname"] = "x" }), HttpStatusCode.Forbidden, "M_USER_SUSPENDED");

        await MatrixAssert.OkAsync(await user.Client.GetAsync($"/_matrix/client/v3/rooms/{RoomSteps.Escape(room)}/messages?dir=b"));
        await user.RedactAsync(room, message);
        await user.LeaveAsync(room);

        await MatrixAssert.OkAsync(await admin.Client.PutAsJsonAsync(Suspend(user.UserId),
            new JsonObject { ["suspended"] = false }));
        await user.JoinAsync(other);
    }

    [Fact]
    public async Task Only_admins_may_lock_or_suspend_and_never_themselves_or_another_admin()
    {
        var admin = await Server.RegisterAdminAsync();
        var otherAdmin = await Server.RegisterAdminAsync();
        var user = await Server.RegisterAsync();

        var notAdmin = await user.Client.GetAsync(Lock(admin.UserId));
        await MatrixAssert.ErrorAsync(notAdmin, HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await SpecSchema.AssertValidAsync(notAdmin);
        await MatrixAssert.ErrorAsync(await user.Client.PutAsJsonAsync(Suspend(user.UserId),
            new JsonObject { ["suspended"] = true }), HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await admin.Client.PutAsJsonAsync(Lock(admin.UserId),
            new JsonObject { ["locked"] = true }), HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await admin.Client.PutAsJsonAsync(Suspend(otherAdmin.UserId),
            new JsonObject { ["suspended"] = true }), HttpStatusCode.Forbidden, "M_FORBIDDEN");
        var remote = await admin.Client.GetAsync(Lock("@someone:elsewhere.example"));
        await MatrixAssert.ErrorAsync(remote, HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await SpecSchema.AssertValidAsync(remote);
        var unknown = await admin.Client.GetAsync(Suspend("@nobody_here:localhost"));
        await MatrixAssert.ErrorAsync(unknown, HttpStatusCode.NotFound, "M_NOT_FOUND");
        await SpecSchema.AssertValidAsync(unknown);
        await MatrixAssert.ErrorAsync(await admin.Client.PutAsJsonAsync(Lock(user.UserId), new JsonObject()),
            HttpStatusCode.BadRequest, "M_BAD_JSON");
    }
}
