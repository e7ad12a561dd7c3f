using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using static Homeserver.Host.Tests.AppServices.AppServiceServers;

namespace Homeserver.Host.Tests.AppServices;

/// <summary>Ghost registration and login with m.login.application_service, exclusive namespaces, rate limits.</summary>
[Collection(AppServiceServersGroup.Name)]
public sealed class AppServiceRegistrationTests(AppServiceServers servers)
{
    private const string Register = "/_matrix/client/v3/register";

    [Fact]
    public async Task An_appservice_registers_a_ghost_without_a_login_while_registration_is_closed()
    {
        var (status, body) = await RegisterGhostAsync(servers.Closed, BridgeToken, Unique("_ghost_"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith("@_ghost_", body.GetProperty("user_id").GetString(), StringComparison.Ordinal);
        Assert.False(body.TryGetProperty("access_token", out _));
        Assert.False(body.TryGetProperty("device_id", out _));
    }

    [Fact]
    public async Task An_appservice_registering_a_ghost_with_a_login_gets_a_working_access_token()
    {
        var (status, body) = await RegisterGhostAsync(servers.Open, BridgeToken, Unique("_ghost_"), inhibitLogin: false);

        Assert.Equal(HttpStatusCode.OK, status);
        var whoami = await MatrixAssert.OkAsync(await servers.Open.NewClient(body.GetProperty("access_token").GetString())
            .GetAsync("/_matrix/client/v3/account/whoami"));
        Assert.Equal(body.GetProperty("user_id").GetString(), whoami.GetProperty("user_id").GetString());
    }

    [Fact]
    public async Task Appservice_registration_outside_its_namespace_is_exclusive_and_without_an_as_token_is_401()
    {
        var (outside, error) = await RegisterGhostAsync(servers.Open, BridgeToken, Unique("plain"));
        var (taken, _) = await RegisterGhostAsync(servers.Open, BridgeToken, Unique("dev_"));
        var (missing, missingError) = await servers.Open.PostAsync(Register,
            new JsonObject { ["type"] = "m.login.application_service", ["username"] = Unique("_ghost_") });
        var user = await servers.Open.RegisterAsync();
        var (userToken, userTokenError) = await AsAsync(servers.Open, user.AccessToken, HttpMethod.Post, Register,
            new JsonObject { ["type"] = "m.login.application_service", ["username"] = Unique("_ghost_") });

        Assert.Equal(HttpStatusCode.BadRequest, outside);
        Assert.Equal("M_EXCLUSIVE", error.GetProperty("errcode").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, taken);
        Assert.Equal(HttpStatusCode.Unauthorized, missing);
        Assert.Equal("M_MISSING_TOKEN", missingError.GetProperty("errcode").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, userToken);
        Assert.Equal("M_UNKNOWN_TOKEN", userTokenError.GetProperty("errcode").GetString());
    }

    [Fact]
    public async Task An_msc4190_appservice_must_inhibit_login_and_may_not_log_in()
    {
        var ghost = Unique("dev_");
        var (register, registerError) = await RegisterGhostAsync(servers.Open, DeviceBridgeToken, ghost,
            inhibitLogin: false);
        var (login, loginError) = await AsAsync(servers.Open, DeviceBridgeToken, HttpMethod.Post,
            "/_matrix/client/v3/login", AppServiceLogin(ghost));

        Assert.Equal(HttpStatusCode.BadRequest, register);
        Assert.Equal("M_APPSERVICE_LOGIN_UNSUPPORTED", registerError.GetProperty("errcode").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, login);
        Assert.Equal("M_APPSERVICE_LOGIN_UNSUPPORTED", loginError.GetProperty("errcode").GetString());
    }

    [Fact]
    public async Task Users_may_not_register_or_ask_for_user_ids_of_an_exclusive_namespace()
    {
        var (register, error) = await servers.Open.PostAsync(Register, new JsonObject
        {
            ["username"] = Unique("dev_"),
            ["password"] = LiveServer.Password,
            ["auth"] = new JsonObject { ["type"] = "m.login.dummy" },
        });
        var (reserved, reservedError) = await servers.Open.GetAsync(
            "/_matrix/client/v3/register/available?username=" + Unique("dev_"));
        var (shared, sharedBody) = await servers.Open.GetAsync(
            "/_matrix/client/v3/register/available?username=" + Unique("shared_"));

        Assert.Equal(HttpStatusCode.BadRequest, register);
        Assert.Equal("M_EXCLUSIVE", error.GetProperty("errcode").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, reserved);
        Assert.Equal("M_EXCLUSIVE", reservedError.GetProperty("errcode").GetString());
        Assert.Equal(HttpStatusCode.OK, shared);
        Assert.True(sharedBody.GetProperty("available").GetBoolean());
    }

    [Fact]
    public async Task Appservice_login_for_a_user_of_its_namespace_is_listed_and_gives_a_session()
    {
        var ghost = Unique("_ghost_");
        await RegisterGhostAsync(servers.Open, BridgeToken, ghost);
        var user = await servers.Open.RegisterAsync();

        var (_, flows) = await servers.Open.GetAsync("/_matrix/client/v3/login");
        var (status, session) = await AsAsync(servers.Open, BridgeToken, HttpMethod.Post, "/_matrix/client/v3/login",
            AppServiceLogin(ghost));
        var (outside, outsideError) = await AsAsync(servers.Open, BridgeToken, HttpMethod.Post,
            "/_matrix/client/v3/login", AppServiceLogin(user.UserId));
        var (noToken, _) = await servers.Open.PostAsync("/_matrix/client/v3/login", AppServiceLogin(ghost));

        Assert.Contains(flows.GetProperty("flows").EnumerateArray(),
            f => f.GetProperty("type").GetString() == "m.login.application_service");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal($"@{ghost}:localhost", session.GetProperty("user_id").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, outside);
        Assert.Equal("M_EXCLUSIVE", outsideError.GetProperty("errcode").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, noToken);
    }

    [Fact]
    public async Task Only_the_appservice_creates_aliases_of_its_exclusive_namespace_and_it_need_not_be_in_the_room()
    {
        var user = await servers.Open.RegisterAsync();
        var roomId = await user.CreateRoomAsync();
        var alias = $"#{Unique("_ghost_")}:localhost";

        var byUser = await user.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/directory/room/{Uri.EscapeDataString(alias)}", new JsonObject { ["room_id"] = roomId });
        var createRoom = await user.Client.PostAsJsonAsync("/_matrix/client/v3/createRoom",
            new JsonObject { ["room_alias_name"] = Unique("_ghost_") });
        var (byAppService, body) = await AsAsync(servers.Open, BridgeToken, HttpMethod.Put,
            $"/_matrix/client/v3/directory/room/{Uri.EscapeDataString(alias)}", new JsonObject { ["room_id"] = roomId });
        var (outsideNamespace, outsideError) = await AsAsync(servers.Open, BridgeToken, HttpMethod.Put,
            $"/_matrix/client/v3/directory/room/{Uri.EscapeDataString($"#{Unique("plain")}:localhost")}",
            new JsonObject { ["room_id"] = roomId });

        await MatrixAssert.ErrorAsync(byUser, HttpStatusCode.BadRequest, "M_EXCLUSIVE");
        await MatrixAssert.ErrorAsync(createRoom, HttpStatusCode.BadRequest, "M_EXCLUSIVE");
        Assert.True(byAppService == HttpStatusCode.OK, body.ToString());
        Assert.Equal(HttpStatusCode.BadRequest, outsideNamespace);
        Assert.Equal("M_EXCLUSIVE", outsideError.GetProperty("errcode").GetString());
    }

    [Fact]
    public async Task Appservice_registrations_and_media_of_the_sender_and_unlimited_appservices_skip_rate_limits()
    {
        var server = servers.Closed;
        for (var i = 0; i < 3; i++)
        {
            var (status, body) = await RegisterGhostAsync(server, BridgeToken, Unique("_ghost_"));
            Assert.True(status == HttpStatusCode.OK, body.ToString());
        }

        var (_, ghost) = await RegisterGhostAsync(server, BridgeToken, Unique("_ghost_"));
        var (_, devGhost) = await RegisterGhostAsync(server, DeviceBridgeToken, Unique("dev_"));
        var ghostCreate = $"/_matrix/media/v1/create?user_id={ghost.GetProperty("user_id").GetString()}";
        var devCreate = $"/_matrix/media/v1/create?user_id={devGhost.GetProperty("user_id").GetString()}";
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await AsAsync(server, BridgeToken, HttpMethod.Post, "/_matrix/media/v1/create")).Status);
            Assert.Equal(HttpStatusCode.OK, (await AsAsync(server, DeviceBridgeToken, HttpMethod.Post, devCreate)).Status);
        }

        Assert.Equal(HttpStatusCode.OK, (await AsAsync(server, BridgeToken, HttpMethod.Post, ghostCreate)).Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await AsAsync(server, BridgeToken, HttpMethod.Post, ghostCreate)).Status);
        var first = await server.PostAsync(Register, new JsonObject { ["username"] = Unique("someone") });
        var second = await server.PostAsync(Register, new JsonObject { ["username"] = Unique("someone") });
        Assert.Equal(HttpStatusCode.Forbidden, first.Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.Status);
    }

    private static JsonObject AppServiceLogin(string user) => new()
    {
        ["type"] = "m.login.application_service",
        ["identifier"] = new JsonObject { ["type"] = "m.id.user", ["user"] = user },
    };
}
