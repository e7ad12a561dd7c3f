using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Accounts;

public sealed class RegistrationTests
{
    private const string Register = "/_matrix/client/v3/register";

    [Fact]
    public async Task The_first_call_answers_401_with_flows_params_and_a_session()
    {
        await using var server = await LiveServer.StartAsync(serverName: "test.local");

        var (status, body) = await server.PostAsync(Register, new JsonObject { ["username"] = "alice", ["password"] = "x" });

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("m.login.dummy", body.GetProperty("flows")[0].GetProperty("stages")[0].GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Object, body.GetProperty("params").ValueKind);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("session").GetString()));
        Assert.False(body.TryGetProperty("errcode", out _));
    }

    [Fact]
    public async Task Completing_the_dummy_stage_registers_and_logs_in_on_the_requested_device()
    {
        await using var server = await LiveServer.StartAsync(serverName: "test.local");

        var registered = await server.RegisterBodyAsync("Alice", extra: new JsonObject { ["device_id"] = "MYPHONE" });

        Assert.Equal("@alice:test.local", registered.GetProperty("user_id").GetString());
        Assert.Equal("MYPHONE", registered.GetProperty("device_id").GetString());
        var token = registered.GetProperty("access_token").GetString();
        var (status, whoami) = await server.GetAsync("/_matrix/client/v3/account/whoami", token);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("MYPHONE", whoami.GetProperty("device_id").GetString());
        Assert.False(whoami.GetProperty("is_guest").GetBoolean());
    }

    [Fact]
    public async Task Inhibit_login_registers_without_a_token()
    {
        await using var server = await LiveServer.StartAsync(serverName: "test.local");

        var registered = await server.RegisterBodyAsync("bob", extra: new JsonObject { ["inhibit_login"] = true });

        Assert.Equal("@bob:test.local", registered.GetProperty("user_id").GetString());
        Assert.False(registered.TryGetProperty("access_token", out _));
        Assert.False(registered.TryGetProperty("device_id", out _));
        await server.LoginBodyAsync("bob");
    }

    [Fact]
    public async Task Without_a_username_one_is_generated()
    {
        await using var server = await LiveServer.StartAsync(serverName: "test.local");
        var session = (await server.PostAsync(Register, new JsonObject())).Body.GetProperty("session").GetString();

        var (status, body) = await server.PostAsync(Register, new JsonObject
        {
            ["auth"] = new JsonObject { ["type"] = "m.login.dummy", ["session"] = session },
        });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Matches("^@[a-z0-9]+:test.local$", body.GetProperty("user_id").GetString());
    }

    [Fact]
    public async Task A_taken_username_is_400_M_USER_IN_USE_before_any_auth()
    {
        await using var server = await LiveServer.StartAsync(serverName: "test.local");
        await server.RegisterBodyAsync("carol");

        var (status, body) = await server.PostAsync(Register, new JsonObject { ["username"] = "carol" });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("M_USER_IN_USE", body.GetProperty("errcode").GetString());
    }

    [Theory]
    [InlineData("bad name!")]
    [InlineData("12345")]
    [InlineData("_reserved")]
    [InlineData("ümlaut")]
    public async Task An_invalid_username_is_400_M_INVALID_USERNAME(string username)
    {
        await using var server = await LiveServer.StartAsync(serverName: "test.local");

        var (status, body) = await server.PostAsync(Register, new JsonObject { ["username"] = username });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("M_INVALID_USERNAME", body.GetProperty("errcode").GetString());
    }

    [Fact]
    public async Task Closed_registration_is_403_M_FORBIDDEN()
    {
        await using var server = await LiveServer.StartAsync(serverName: "test.local", settings: new Dictionary<string, string?>
        {
            ["Homeserver:Registration:Enabled"] = "false",
        });

        var (status, body) = await server.PostAsync(Register, new JsonObject { ["username"] = "dave" });

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("M_FORBIDDEN", body.GetProperty("errcode").GetString());
    }

    [Fact]
    public async Task Availability_reports_free_taken_and_invalid_names()
    {
        await using var server = await LiveServer.StartAsync(serverName: "test.local");
        await server.RegisterBodyAsync("erin");

        var free = await server.GetAsync("/_matrix/client/v3/register/available?username=frank");
        var taken = await server.GetAsync("/_matrix/client/v3/register/available?username=erin");
        var invalid = await server.GetAsync("/_matrix/client/v3/register/available?username=no%20spaces");

        Assert.True(free.Body.GetProperty("available").GetBoolean());
        Assert.Equal("M_USER_IN_USE", taken.Body.GetProperty("errcode").GetString());
        Assert.Equal("M_INVALID_USERNAME", invalid.Body.GetProperty("errcode").GetString());
    }

    [Fact]
    public async Task Guests_register_without_auth_when_allowed_and_are_kept_out_of_account_endpoints()
    {
        await using var server = await LiveServer.StartAsync(serverName: "test.local", settings: new Dictionary<string, string?>
        {
            ["Homeserver:Registration:AllowGuests"] = "true",
        });

        var (status, guest) = await server.PostAsync(Register + "?kind=guest", new JsonObject { ["username"] = "ignored" });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Matches("^@[0-9]+:test.local$", guest.GetProperty("user_id").GetString());
        var token = guest.GetProperty("access_token").GetString();
        Assert.True((await server.GetAsync("/_matrix/client/v3/account/whoami", token)).Body.GetProperty("is_guest").GetBoolean());
        var (forbiddenStatus, forbidden) = await server.PostAsync("/_matrix/client/v3/account/password",
            new JsonObject { ["new_password"] = "x" }, token);
        Assert.Equal(HttpStatusCode.Forbidden, forbiddenStatus);
        Assert.Equal("M_GUEST_ACCESS_FORBIDDEN", forbidden.GetProperty("errcode").GetString());
    }

    [Fact]
    public async Task Guest_registration_is_403_when_not_allowed()
    {
        await using var server = await LiveServer.StartAsync(serverName: "test.local", settings: new Dictionary<string, string?>
        {
            ["Homeserver:Registration:AllowGuests"] = "false",
        });

        var (status, body) = await server.PostAsync(Register + "?kind=guest", new JsonObject());

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("M_FORBIDDEN", body.GetProperty("errcode").GetString());
    }
}
