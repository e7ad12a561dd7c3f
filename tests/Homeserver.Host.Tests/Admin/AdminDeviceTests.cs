using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Admin;

/// <summary>A user's devices through Synapse's admin API.</summary>
public sealed class AdminDeviceTests(LiveServerFixture fixture) : AdminApiTests(fixture)
{
    private static string Devices(string userId) => $"/_synapse/admin/v2/users/{RoomSteps.Escape(userId)}/devices";

    [Fact]
    public async Task An_admin_lists_renames_and_deletes_a_users_devices_and_a_non_admin_may_not()
    {
        var (admin, user) = await AdminAndUserAsync();
        var second = await Server.LoginAsync(user.UserId);
        var third = await Server.LoginAsync(user.UserId);

        var list = await MatrixAssert.OkAsync(await admin.Client.GetAsync(Devices(user.UserId)));
        Assert.Equal(3, list.GetProperty("total").GetInt32());
        Assert.Equal(user.UserId, list.GetProperty("devices")[0].GetProperty("user_id").GetString());

        var one = $"{Devices(user.UserId)}/{second.DeviceId}";
        await MatrixAssert.OkAsync(await admin.Client.PutAsJsonAsync(one, new JsonObject { ["display_name"] = "Renamed" }));
        Assert.Equal("Renamed", (await admin.Client.GetJsonAsync(one)).GetProperty("display_name").GetString());
        await MatrixAssert.OkAsync(await admin.Client.DeleteAsync(one));
        await MatrixAssert.ErrorAsync(await second.Client.GetAsync("/_matrix/client/v3/account/whoami"),
            HttpStatusCode.Unauthorized, "M_UNKNOWN_TOKEN");
        await MatrixAssert.ErrorAsync(await admin.Client.GetAsync(one), HttpStatusCode.NotFound, "M_NOT_FOUND");

        await MatrixAssert.OkAsync(await admin.Client.PostAsJsonAsync(
            $"/_synapse/admin/v2/users/{RoomSteps.Escape(user.UserId)}/delete_devices",
            new JsonObject { ["devices"] = new JsonArray(third.DeviceId, "NOSUCHDEVICE") }));
        Assert.Equal(1, (await admin.Client.GetJsonAsync(Devices(user.UserId))).GetProperty("total").GetInt32());
        await AdminAudit.AssertLastAsync(Server, user.UserId, admin.UserId, "GET",
            "/_synapse/admin/v2/users/{userId}/devices", 200);

        await MatrixAssert.ErrorAsync(await user.Client.GetAsync(Devices(user.UserId)), HttpStatusCode.Forbidden,
            "M_FORBIDDEN");
        await AdminAudit.AssertLastAsync(Server, user.UserId, user.UserId, "GET",
            "/_synapse/admin/v2/users/{userId}/devices", 403, "M_FORBIDDEN");
    }
}
