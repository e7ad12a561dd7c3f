using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Microsoft.Extensions.DependencyInjection;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Accounts;

public sealed class AccountManagementTests
{
    private const string Password = "/_matrix/client/v3/account/password";
    private const string Deactivate = "/_matrix/client/v3/account/deactivate";
    private const string WhoAmI = "/_matrix/client/v3/account/whoami";

    [Fact]
    public async Task Changing_the_password_reuses_the_uia_session_across_a_failed_attempt()
    {
        await using var server = await LiveServer.StartAsync(serverName: "test.local");
        var token = (await server.RegisterBodyAsync("alice")).GetProperty("access_token").GetString();
        var (firstStatus, challenge) = await server.PostAsync(Password, new JsonObject { ["new_password"] = "new one" }, token);
        var session = challenge.GetProperty("session").GetString();
        Assert.Equal(HttpStatusCode.Unauthorized, firstStatus);
        Assert.Equal("m.login.password", challenge.GetProperty("flows")[0].GetProperty("stages")[0].GetString());

        var (wrongStatus, wrong) = await server.PostAsync(Password, new JsonObject
        {
            ["new_password"] = "new one", ["auth"] = LoginTests.PasswordAuth("alice", "guess", session),
        }, token);
        var (okStatus, _) = await server.PostAsync(Password, new JsonObject
        {
            ["new_password"] = "new one", ["auth"] = LoginTests.PasswordAuth("alice", LiveServer.Password, session),
        }, token);

        Assert.Equal(HttpStatusCode.Unauthorized, wrongStatus);
        Assert.Equal("M_FORBIDDEN", wrong.GetProperty("errcode").GetString());
        Assert.Equal(session, wrong.GetProperty("session").GetString());
        Assert.Equal(HttpStatusCode.OK, okStatus);
        await server.LoginBodyAsync("alice", "new one");
        Assert.Equal(HttpStatusCode.Forbidden, (await server.PostAsync("/_matrix/client/v3/login", new JsonObject
        {
            ["type"] = "m.login.password", ["user"] = "alice", ["password"] = LiveServer.Password,
        })).Status);
    }

    [Fact]
    public async Task A_spent_uia_session_cannot_authorise_a_second_operation()
    {
        await using var server = await LiveServer.StartAsync(serverName: "test.local");
        var token = (await server.RegisterBodyAsync("alice")).GetProperty("access_token").GetString();
        var session = (await server.PostAsync(Password, new JsonObject { ["new_password"] = "a" }, token))
            .Body.GetProperty("session").GetString();
        var auth = LoginTests.PasswordAuth("alice", LiveServer.Password, session);
        Assert.Equal(HttpStatusCode.OK, (await server.PostAsync(Password,
            new JsonObject { ["new_password"] = "a", ["logout_devices"] = false, ["auth"] = auth }, token)).Status);

        var (status, body) = await server.PostAsync(Password,
            new JsonObject { ["new_password"] = "b", ["auth"] = new JsonObject { ["session"] = session } }, token);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("M_UNKNOWN", body.GetProperty("errcode").GetString());
    }

    [Fact]
    public async Task A_uia_session_started_for_one_endpoint_is_refused_on_another()
    {
        await using var server = await LiveServer.StartAsync(serverName: "test.local");
        var token = (await server.RegisterBodyAsync("alice")).GetProperty("access_token").GetString();
        var session = (await server.PostAsync(Password, new JsonObject { ["new_password"] = "a" }, token))
            .Body.GetProperty("session").GetString();

        var (status, body) = await server.PostAsync(Deactivate,
            new JsonObject { ["auth"] = LoginTests.PasswordAuth("alice", LiveServer.Password, session) }, token);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("M_FORBIDDEN", body.GetProperty("errcode").GetString());
        Assert.Equal(HttpStatusCode.OK, (await server.GetAsync(WhoAmI, token)).Status);
    }

    [Fact]
    public async Task Changing_the_password_logs_out_other_devices_unless_asked_not_to()
    {
        await using var server = await LiveServer.StartAsync(serverName: "test.local");
        var mine = (await server.RegisterBodyAsync("alice")).GetProperty("access_token").GetString();
        var other = (await server.LoginBodyAsync("alice")).GetProperty("access_token").GetString();

        await ChangePasswordAsync(server, mine, LiveServer.Password, "second", logoutDevices: false);
        Assert.Equal(HttpStatusCode.OK, (await server.GetAsync(WhoAmI, other)).Status);
        await ChangePasswordAsync(server, mine, "second", "third", logoutDevices: true);

        Assert.Equal(HttpStatusCode.Unauthorized, (await server.GetAsync(WhoAmI, other)).Status);
        Assert.Equal(HttpStatusCode.OK, (await server.GetAsync(WhoAmI, mine)).Status);
    }

    [Fact]
    public async Task A_deactivated_account_loses_its_tokens_cannot_log_in_and_runs_the_hooks()
    {
        var hook = new RecordingHook();
        await using var server = await LiveServer.StartAsync(serverName: "test.local",
            services: s => s.AddSingleton<IAccountDeactivationHook>(hook));
        var token = (await server.RegisterBodyAsync("alice")).GetProperty("access_token").GetString();
        var session = (await server.PostAsync(Deactivate, new JsonObject(), token)).Body.GetProperty("session").GetString();

        var (status, body) = await server.PostAsync(Deactivate, new JsonObject
        {
            ["erase"] = true, ["auth"] = LoginTests.PasswordAuth("alice", LiveServer.Password, session),
        }, token);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("no-support", body.GetProperty("id_server_unbind_result").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.GetAsync(WhoAmI, token)).Status);
        var (loginStatus, login) = await server.PostAsync("/_matrix/client/v3/login", new JsonObject
        {
            ["type"] = "m.login.password", ["user"] = "alice", ["password"] = LiveServer.Password,
        });
        Assert.Equal(HttpStatusCode.Forbidden, loginStatus);
        Assert.Equal("M_USER_DEACTIVATED", login.GetProperty("errcode").GetString());
        Assert.Equal([(UserId.Parse("@alice:test.local"), true)], hook.Calls);
        var (registerStatus, register) = await server.PostAsync("/_matrix/client/v3/register", new JsonObject { ["username"] = "alice" });
        Assert.Equal(HttpStatusCode.BadRequest, registerStatus);
        Assert.Equal("M_USER_IN_USE", register.GetProperty("errcode").GetString());
    }

    [Fact]
    public async Task Deactivation_needs_the_right_password()
    {
        await using var server = await LiveServer.StartAsync(serverName: "test.local");
        var token = (await server.RegisterBodyAsync("alice")).GetProperty("access_token").GetString();
        var session = (await server.PostAsync(Deactivate, new JsonObject(), token)).Body.GetProperty("session").GetString();

        var (status, body) = await server.PostAsync(Deactivate,
            new JsonObject { ["auth"] = LoginTests.PasswordAuth("alice", "wrong", session) }, token);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("M_FORBIDDEN", body.GetProperty("errcode").GetString());
        Assert.Equal(HttpStatusCode.OK, (await server.GetAsync(WhoAmI, token)).Status);
    }

    [Fact]
    public async Task Uia_password_auth_must_name_the_authenticated_user()
    {
        await using var server = await LiveServer.StartAsync(serverName: "test.local");
        await server.RegisterBodyAsync("bob");
        var token = (await server.RegisterBodyAsync("alice")).GetProperty("access_token").GetString();
        var session = (await server.PostAsync(Deactivate, new JsonObject(), token)).Body.GetProperty("session").GetString();

        var (status, body) = await server.PostAsync(Deactivate,
            new JsonObject { ["auth"] = LoginTests.PasswordAuth("bob", LiveServer.Password, session) }, token);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("M_FORBIDDEN", body.GetProperty("errcode").GetString());
    }

    private static async Task ChangePasswordAsync(LiveServer server, string? token, string current, string next,
        bool logoutDevices)
    {
        var session = (await server.PostAsync(Password, new JsonObject { ["new_password"] = next }, token))
            .Body.GetProperty("session").GetString();
        var (status, body) = await server.PostAsync(Password, new JsonObject
        {
            ["new_password"] = next, ["logout_devices"] = logoutDevices,
            ["auth"] = LoginTests.PasswordAuth("alice", current, session),
        }, token);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
    }

    private sealed class RecordingHook : IAccountDeactivationHook
    {
        public List<(UserId, bool)> Calls { get; } = [];

        public Task OnDeactivatedAsync(UserId userId, bool erase, CancellationToken cancellationToken)
        {
            Calls.Add((userId, erase));
            return Task.CompletedTask;
        }
    }
}
