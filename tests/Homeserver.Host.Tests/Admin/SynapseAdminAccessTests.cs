using System.Net;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Admin;

/// <summary>The base of Synapse's admin API: who may call it, the audit log, the public server version.</summary>
public sealed class SynapseAdminAccessTests(LiveServerFixture fixture) : AdminApiTests(fixture)
{
    private static string Whois(string userId) => $"/_synapse/admin/v1/whois/{RoomSteps.Escape(userId)}";

    [Fact]
    public async Task Server_version_answers_without_a_token()
    {
        var body = await MatrixAssert.OkAsync(await Server.Anonymous.GetAsync("/_synapse/admin/v1/server_version"));

        Assert.False(string.IsNullOrEmpty(body.GetProperty("server_version").GetString()));
    }

    [Fact]
    public async Task A_non_admin_is_refused_as_Synapse_refuses_and_the_refusal_is_audited()
    {
        var user = await Server.RegisterAsync();
        var target = await Server.RegisterAsync();

        var refused = await MatrixAssert.ErrorAsync(await user.Client.GetAsync(Whois(target.UserId)),
            HttpStatusCode.Forbidden, "M_FORBIDDEN");

        Assert.Equal("You are not a server admin", refused.GetProperty("error").GetString());
        await AdminAudit.AssertLastAsync(Server, target.UserId, user.UserId, "GET",
            "/_synapse/admin/v1/whois/{userId}", 403, "M_FORBIDDEN");
    }

    [Fact]
    public async Task A_guest_is_refused_as_a_non_admin()
    {
        var guest = await Server.RegisterGuestAsync();

        await MatrixAssert.ErrorAsync(await guest.Client.GetAsync(Whois(guest.UserId)), HttpStatusCode.Forbidden,
            "M_FORBIDDEN");
    }

    [Fact]
    public async Task Without_a_token_the_answer_is_missing_token_and_nothing_is_audited()
    {
        var target = await Server.RegisterAsync();

        await MatrixAssert.ErrorAsync(await Server.Anonymous.GetAsync(Whois(target.UserId)), HttpStatusCode.Unauthorized,
            "M_MISSING_TOKEN");

        Assert.Empty(await AdminAudit.ForTargetAsync(Server, target.UserId));
    }

    [Fact]
    public async Task An_admin_call_is_audited_with_who_what_whom_and_the_outcome()
    {
        var (admin, target) = await AdminAndUserAsync();

        var body = await MatrixAssert.OkAsync(await admin.Client.GetAsync(Whois(target.UserId)));

        Assert.True(body.GetProperty("devices").TryGetProperty(target.DeviceId, out _));
        await AdminAudit.AssertLastAsync(Server, target.UserId, admin.UserId, "GET",
            "/_synapse/admin/v1/whois/{userId}", 200);
        await MatrixAssert.ErrorAsync(await admin.Client.GetAsync(Whois("not a user id")), HttpStatusCode.BadRequest,
            "M_INVALID_PARAM");
        await AdminAudit.AssertLastAsync(Server, "not a user id", admin.UserId, "GET",
            "/_synapse/admin/v1/whois/{userId}", 400, "M_INVALID_PARAM");
    }
}
