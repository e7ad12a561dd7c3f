using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Admin;

/// <summary>
/// synadm (Debian's package), the admin CLI written for Synapse, pointed at our server over loopback with an admin's
/// token: it must list, create and deactivate users exactly as it does against Synapse.
/// </summary>
public sealed class SynadmTests(LiveServerFixture fixture) : AdminApiTests(fixture)
{
    [Fact]
    public async Task Synadm_creates_lists_and_deactivates_users()
    {
        var admin = await Server.RegisterAdminAsync();
        using var synadm = new SynadmCli(Server, admin);
        var tag = "sy" + Guid.NewGuid().ToString("N")[..8];
        var userId = $"@{tag}_made:localhost";

        var created = await synadm.RunAsync("user", "modify", userId, "-P", "synadm password", "-n", "Made by synadm");
        Assert.Equal(userId, created.GetProperty("name").GetString());
        Assert.Equal("Made by synadm", created.GetProperty("displayname").GetString());
        await Server.LoginBodyAsync(userId, "synadm password");

        var listed = await synadm.RunAsync("user", "list", "-n", tag);
        Assert.Equal(1, listed.GetProperty("total").GetInt32());
        Assert.Equal(userId, listed.GetProperty("users")[0].GetProperty("name").GetString());

        var deactivated = await synadm.RunAsync("user", "deactivate", userId);
        Assert.Equal("success", deactivated.GetProperty("id_server_unbind_result").GetString());
        var after = await synadm.RunAsync("user", "list", "-n", tag);
        Assert.Equal(0, after.GetProperty("total").GetInt32());
        var withDeactivated = await synadm.RunAsync("user", "list", "-n", tag, "-d");
        Assert.True(withDeactivated.GetProperty("users")[0].GetProperty("deactivated").GetBoolean());
        await AdminAudit.AssertLastAsync(Server, userId, admin.UserId, "POST", "/_synapse/admin/v1/deactivate/{userId}", 200);
    }
}
