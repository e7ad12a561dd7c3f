using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Accounts;

public sealed class LoginTests
{
    private const string Login = "/_matrix/client/v3/login";
    private const string WhoAmI = "/_matrix/client/v3/account/whoami";

    [Fact]
    public async Task Get_login_lists_password_and_token_flows()
    {
        await using var server = await LiveServer.StartAsync(serverName: "test.local");

        var (status, body) = await server.GetAsync(Login);

        Assert.Equal(HttpStatusCode.OK, status);
        var types = body.GetProperty("flows").EnumerateArray().Select(f => f.GetProperty("type").GetString()).ToList();
        Assert.Equal(["m.login.password", "m.login.token", "m.login.application_service"], types);
    }

    [Theory]
    [InlineData("alice")]
    [InlineData("@alice:test.local")]
    [InlineData("ALICE")]
    public async Task Password_login_accepts_a_localpart_or_a_user_id(string user)
    {
        await using var server = await LiveServer.StartAsync(serverName: "test.local");
        await server.RegisterBodyAsync("alice");

        var login = await server.LoginBodyAsync(user);

        Assert.Equal("@alice:test.local", login.GetProperty("user_id").GetString());
        Assert.Equal(HttpStatusCode.OK, (await server.GetAsync(WhoAmI, login.GetProperty("access_token").GetString())).Status);
    }

    [Fact]
    public async Task The_old_user_field_still_works()
    {
        await using var server = await LiveServer.StartAsync(serverName: "test.local");
        await server.RegisterBodyAsync("alice");

        var (status, body) = await server.PostAsync(Login, new JsonObject
        {
            ["type"] = "m.login.password", ["user"] = "alice", ["password"] = LiveServer.Password,
        });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("@alice:test.local", body.GetProperty("user_id").GetString());
    }

    [Theory]
    [InlineData("alice", "wrong password")]
    [InlineData("nobody", LiveServer.Password)]
    public async Task A_wrong_password_or_unknown_user_is_403_M_FORBIDDEN(string user, string password)
    {
        await using var server = await LiveServer.StartAsync(serverName: "test.local");
        await server.RegisterBodyAsync("alice");

        var (status, body) = await server.PostAsync(Login, new JsonObject
        {
            ["type"] = "m.login.password",
            ["identifier"] = new JsonObject { ["type"] = "m.id.user", ["user"] = user },
            ["password"] = password,
        });

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("M_FORBIDDEN", body.GetProperty("errcode").GetString());
    }

    [Fact]
    public async Task An_unknown_login_type_is_400()
    {
        await using var server = await LiveServer.StartAsync(serverName: "test.local");

        var (status, body) = await server.PostAsync(Login, new JsonObject { ["type"] = "m.login.carrier_pigeon" });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("M_UNKNOWN", body.GetProperty("errcode").GetString());
    }

    [Fact]
    public async Task Logging_in_again_on_the_same_device_revokes_its_old_token()
    {
        await using var server = await LiveServer.StartAsync(serverName: "test.local");
        await server.RegisterBodyAsync("alice");
        var first = await server.LoginBodyAsync("alice", extra: new JsonObject { ["device_id"] = "LAPTOP" });

        var second = await server.LoginBodyAsync("alice", extra: new JsonObject { ["device_id"] = "LAPTOP" });

        Assert.Equal("LAPTOP", second.GetProperty("device_id").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.GetAsync(WhoAmI, first.GetProperty("access_token").GetString())).Status);
        Assert.Equal(HttpStatusCode.OK, (await server.GetAsync(WhoAmI, second.GetProperty("access_token").GetString())).Status);
    }

    [Fact]
    public async Task A_login_token_from_get_token_signs_in_once()
    {
        await using var server = await LiveServer.StartAsync(serverName: "test.local");
        var token = (await server.RegisterBodyAsync("alice")).GetProperty("access_token").GetString();
        var (_, challenge) = await server.PostAsync("/_matrix/client/v1/login/get_token", new JsonObject(), token);
        var (status, issued) = await server.PostAsync("/_matrix/client/v1/login/get_token", new JsonObject
        {
            ["auth"] = PasswordAuth("alice", LiveServer.Password, challenge.GetProperty("session").GetString()),
        }, token);
        Assert.Equal(HttpStatusCode.OK, status);
        var loginToken = new JsonObject { ["type"] = "m.login.token", ["token"] = issued.GetProperty("login_token").GetString() };

        var first = await server.PostAsync(Login, loginToken);
        var second = await server.PostAsync(Login, loginToken.DeepClone());

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal("@alice:test.local", first.Body.GetProperty("user_id").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, second.Status);
        Assert.Equal("M_FORBIDDEN", second.Body.GetProperty("errcode").GetString());
    }

    [Fact]
    public async Task Logout_revokes_the_token_and_deletes_the_device_and_logout_all_revokes_every_token()
    {
        await using var server = await LiveServer.StartAsync(serverName: "test.local");
        var a = (await server.RegisterBodyAsync("alice")).GetProperty("access_token").GetString();
        var b = (await server.LoginBodyAsync("alice")).GetProperty("access_token").GetString();
        var c = (await server.LoginBodyAsync("alice")).GetProperty("access_token").GetString();

        Assert.Equal(HttpStatusCode.OK, (await server.PostAsync("/_matrix/client/v3/logout", new JsonObject(), a)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.GetAsync(WhoAmI, a)).Status);
        Assert.Equal(HttpStatusCode.OK, (await server.GetAsync(WhoAmI, b)).Status);
        Assert.Equal(HttpStatusCode.OK, (await server.PostAsync("/_matrix/client/v3/logout/all", new JsonObject(), b)).Status);

        Assert.Equal(HttpStatusCode.Unauthorized, (await server.GetAsync(WhoAmI, b)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.GetAsync(WhoAmI, c)).Status);
    }

    [Fact]
    public async Task Rate_limited_logins_get_429_with_retry_after_ms()
    {
        await using var server = await LiveServer.StartAsync(serverName: "test.local", settings: new Dictionary<string, string?>
        {
            ["Homeserver:RateLimits:Enabled"] = "true",
            ["Homeserver:RateLimits:Login:PerSecond"] = "0.1",
            ["Homeserver:RateLimits:Login:Burst"] = "2",
        });

        var attempts = new List<(HttpStatusCode Status, System.Text.Json.JsonElement Body)>();
        for (var i = 0; i < 3; i++)
        {
            attempts.Add(await server.PostAsync(Login, new JsonObject
            {
                ["type"] = "m.login.password", ["user"] = "nobody", ["password"] = "x",
            }));
        }

        Assert.All(attempts.Take(2), a => Assert.Equal(HttpStatusCode.Forbidden, a.Status));
        Assert.Equal((HttpStatusCode)429, attempts[2].Status);
        Assert.Equal("M_LIMIT_EXCEEDED", attempts[2].Body.GetProperty("errcode").GetString());
        Assert.InRange(attempts[2].Body.GetProperty("retry_after_ms").GetInt64(), 1, 10_000);
    }

    internal static JsonObject PasswordAuth(string user, string password, string? session) => new()
    {
        ["type"] = "m.login.password",
        ["identifier"] = new JsonObject { ["type"] = "m.id.user", ["user"] = user },
        ["password"] = password,
        ["session"] = session,
    };
}
