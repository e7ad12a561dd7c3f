using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Testing;
using Microsoft.Extensions.DependencyInjection;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Accounts;

public sealed class AccessTokenTests
{
    private const string WhoAmI = "/_matrix/client/v3/account/whoami";

    [Fact]
    public async Task A_missing_token_is_401_M_MISSING_TOKEN_and_an_unknown_one_401_M_UNKNOWN_TOKEN()
    {
        await using var server = await LiveServer.StartAsync(serverName: "test.local");

        var missing = await server.GetAsync(WhoAmI);
        var unknown = await server.GetAsync(WhoAmI, "mat_not_a_real_token");

        Assert.Equal(HttpStatusCode.Unauthorized, missing.Status);
        Assert.Equal("M_MISSING_TOKEN", missing.Body.GetProperty("errcode").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.Status);
        Assert.Equal("M_UNKNOWN_TOKEN", unknown.Body.GetProperty("errcode").GetString());
        Assert.False(unknown.Body.GetProperty("soft_logout").GetBoolean());
    }

    [Fact]
    public async Task Versions_answers_200_with_any_token_or_none_as_clients_send_stale_ones()
    {
        await using var server = await LiveServer.StartAsync(serverName: "test.local");
        var token = (await server.RegisterBodyAsync("alice")).GetProperty("access_token").GetString();

        Assert.Equal(HttpStatusCode.OK, (await server.GetAsync("/_matrix/client/versions")).Status);
        Assert.Equal(HttpStatusCode.OK, (await server.GetAsync("/_matrix/client/versions", token)).Status);
        var (status, body) = await server.GetAsync("/_matrix/client/versions", "mat_revoked_or_made_up");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("v1.19", body.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
    }

    [Fact]
    public async Task The_token_may_come_in_the_query_string()
    {
        await using var server = await LiveServer.StartAsync(serverName: "test.local");
        var token = (await server.RegisterBodyAsync("alice")).GetProperty("access_token").GetString();

        var (status, body) = await server.GetAsync(WhoAmI + "?access_token=" + Uri.EscapeDataString(token!));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("@alice:test.local", body.GetProperty("user_id").GetString());
    }

    [Fact]
    public async Task An_expired_token_is_a_soft_logout_and_refreshing_gives_a_working_pair()
    {
        var clock = new ManualTimeProvider();
        await using var server = await LiveServer.StartAsync(serverName: "test.local", services: s => s.AddSingleton<TimeProvider>(clock));
        var registered = await RegisterRefreshableAsync(server);
        var access = registered.GetProperty("access_token").GetString();
        var refresh = registered.GetProperty("refresh_token").GetString();
        Assert.Equal(300_000, registered.GetProperty("expires_in_ms").GetInt64());
        Assert.Equal(HttpStatusCode.OK, (await server.GetAsync(WhoAmI, access)).Status);

        clock.Advance(TimeSpan.FromMinutes(6));
        var expired = await server.GetAsync(WhoAmI, access);
        var (status, refreshed) = await server.PostAsync("/_matrix/client/v3/refresh", new JsonObject { ["refresh_token"] = refresh });

        Assert.Equal(HttpStatusCode.Unauthorized, expired.Status);
        Assert.Equal("M_UNKNOWN_TOKEN", expired.Body.GetProperty("errcode").GetString());
        Assert.True(expired.Body.GetProperty("soft_logout").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(HttpStatusCode.OK, (await server.GetAsync(WhoAmI, refreshed.GetProperty("access_token").GetString())).Status);
    }

    [Fact]
    public async Task The_old_refresh_token_works_until_the_new_pair_is_used()
    {
        await using var server = await LiveServer.StartAsync(serverName: "test.local");
        var login = await RegisterRefreshableAsync(server);
        var oldRefresh = login.GetProperty("refresh_token").GetString();

        var first = await RefreshAsync(server, oldRefresh);
        var retried = await RefreshAsync(server, oldRefresh);
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.OK, retried.Status);
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await server.GetAsync(WhoAmI, first.Body.GetProperty("access_token").GetString())).Status);

        Assert.Equal(HttpStatusCode.OK,
            (await server.GetAsync(WhoAmI, retried.Body.GetProperty("access_token").GetString())).Status);
        var afterUse = await RefreshAsync(server, oldRefresh);

        Assert.Equal(HttpStatusCode.Unauthorized, afterUse.Status);
        Assert.Equal("M_UNKNOWN_TOKEN", afterUse.Body.GetProperty("errcode").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await server.GetAsync(WhoAmI, login.GetProperty("access_token").GetString())).Status);
    }

    [Fact]
    public async Task An_unknown_refresh_token_is_401_M_UNKNOWN_TOKEN()
    {
        await using var server = await LiveServer.StartAsync(serverName: "test.local");

        var (status, body) = await RefreshAsync(server, "mar_nonsense");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("M_UNKNOWN_TOKEN", body.GetProperty("errcode").GetString());
    }

    [Fact]
    public async Task Tokens_without_refresh_support_do_not_expire()
    {
        var clock = new ManualTimeProvider();
        await using var server = await LiveServer.StartAsync(serverName: "test.local", services: s => s.AddSingleton<TimeProvider>(clock));
        var registered = await server.RegisterBodyAsync("alice");

        clock.Advance(TimeSpan.FromDays(400));

        Assert.False(registered.TryGetProperty("expires_in_ms", out _));
        Assert.Equal(HttpStatusCode.OK, (await server.GetAsync(WhoAmI, registered.GetProperty("access_token").GetString())).Status);
    }

    [Fact]
    public async Task A_token_revoked_on_one_server_process_stops_working_on_another_at_once()
    {
        await using var a = await LiveServer.StartAsync(serverName: "test.local");
        await using var b = await LiveServer.StartAsync(serverName: "test.local", connectionString: a.ConnectionString);
        var token = (await a.RegisterBodyAsync("alice")).GetProperty("access_token").GetString();
        Assert.Equal(HttpStatusCode.OK, (await b.GetAsync(WhoAmI, token)).Status); // now cached on b

        Assert.Equal(HttpStatusCode.OK, (await a.PostAsync("/_matrix/client/v3/logout", new JsonObject(), token)).Status);

        await Eventually.HoldsAsync(async () => (await b.GetAsync(WhoAmI, token)).Status == HttpStatusCode.Unauthorized,
            "the second process refuses the token", TimeSpan.FromSeconds(2));
    }

    private static async Task<System.Text.Json.JsonElement> RegisterRefreshableAsync(LiveServer server) =>
        await server.RegisterBodyAsync("alice", extra: new JsonObject { ["refresh_token"] = true });

    private static Task<(HttpStatusCode Status, System.Text.Json.JsonElement Body)> RefreshAsync(LiveServer server,
        string? refreshToken) =>
        server.PostAsync("/_matrix/client/v3/refresh", new JsonObject { ["refresh_token"] = refreshToken });
}
