using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Accounts;

/// <summary>
/// Guessing passwords, at /login and at every m.login.password stage of user-interactive auth: wrong passwords per
/// account lock it (429 even for the right one) until the bucket refills; a right password resets the count.
/// </summary>
public sealed class PasswordGuessingTests
{
    private const string Login = "/_matrix/client/v3/login";
    private const string DeleteDevices = "/_matrix/client/v3/delete_devices";
    private const int Guesses = 200;

    // Per-address and per-account login limits lifted: every 429 below comes from the wrong-password lock.
    private static readonly Dictionary<string, string?> OnlyTheFailedPasswordLimit = new()
    {
        ["RateLimits:Enabled"] = "true",
        ["RateLimits:Login:PerSecond"] = "1000",
        ["RateLimits:Login:Burst"] = "1000",
        ["RateLimits:LoginAccount:PerSecond"] = "1000",
        ["RateLimits:LoginAccount:Burst"] = "1000",
        ["RateLimits:Registration:PerSecond"] = "1000",
        ["RateLimits:Registration:Burst"] = "1000",
    };

    [Fact]
    public async Task Wrong_uia_passwords_on_delete_devices_lock_the_account_until_the_window_passes()
    {
        var clock = new ManualTimeProvider();
        await using var server = await StartAsync(clock, OnlyTheFailedPasswordLimit);
        var session = await server.RegisterAsync();
        var other = await server.LoginAsync(session.UserId);

        var guesses = new List<(HttpStatusCode Status, JsonElement Body)>();
        for (var i = 0; i < Guesses; i++)
        {
            guesses.Add(await DeleteDeviceAsync(server, session, other.DeviceId, "guess" + i));
        }

        Assert.All(guesses.Take(3), g => Assert.Equal(HttpStatusCode.Unauthorized, g.Status));
        Assert.All(guesses.Skip(3), AssertLimited);
        var locked = await DeleteDeviceAsync(server, session, other.DeviceId, LiveServer.Password);
        AssertLimited(locked);

        clock.Advance(RetryAfter(locked));
        var (status, _) = await DeleteDeviceAsync(server, session, other.DeviceId, LiveServer.Password);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await server.GetAsync("/_matrix/client/v3/account/whoami", other.AccessToken)).Status);
    }

    [Fact]
    public async Task Wrong_login_passwords_lock_the_account_until_the_window_passes()
    {
        var clock = new ManualTimeProvider();
        await using var server = await StartAsync(clock, OnlyTheFailedPasswordLimit);
        var session = await server.RegisterAsync();

        var guesses = new List<(HttpStatusCode Status, JsonElement Body)>();
        for (var i = 0; i < Guesses; i++)
        {
            guesses.Add(await server.PostAsync(Login, LoginBody(session.UserId, "guess" + i)));
        }

        Assert.All(guesses.Take(3), g => Assert.Equal(HttpStatusCode.Forbidden, g.Status));
        Assert.All(guesses.Skip(3), AssertLimited);
        var locked = await server.PostAsync(Login, LoginBody(session.UserId, LiveServer.Password));
        AssertLimited(locked);

        clock.Advance(RetryAfter(locked) - TimeSpan.FromMilliseconds(100));
        AssertLimited(await server.PostAsync(Login, LoginBody(session.UserId, LiveServer.Password)));
        clock.Advance(TimeSpan.FromMilliseconds(100));
        var (status, _) = await server.PostAsync(Login, LoginBody(session.UserId, LiveServer.Password));

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Wrong_passwords_in_uia_lock_login_too()
    {
        await using var server = await StartAsync(new ManualTimeProvider(), OnlyTheFailedPasswordLimit);
        var session = await server.RegisterAsync();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized,
                (await DeleteDeviceAsync(server, session, "NOSUCHDEVICE", "guess" + i)).Status);
        }

        AssertLimited(await server.PostAsync(Login, LoginBody(session.UserId, LiveServer.Password)));
    }

    [Fact]
    public async Task A_right_password_resets_the_count_of_wrong_ones()
    {
        await using var server = await StartAsync(new ManualTimeProvider(), OnlyTheFailedPasswordLimit);
        var session = await server.RegisterAsync();

        var statuses = new List<HttpStatusCode>();
        foreach (var password in new[] { "a", "b", LiveServer.Password, "c", "d", LiveServer.Password })
        {
            statuses.Add((await server.PostAsync(Login, LoginBody(session.UserId, password))).Status);
        }

        Assert.Equal([HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.OK, HttpStatusCode.Forbidden,
            HttpStatusCode.Forbidden, HttpStatusCode.OK], statuses);
    }

    [Fact]
    public async Task With_the_default_limits_guessing_through_uia_is_stopped_after_three_attempts()
    {
        await using var server = await StartAsync(new ManualTimeProvider(),
            new Dictionary<string, string?> { ["RateLimits:Enabled"] = "true" });
        var session = await server.RegisterAsync();

        var guesses = new List<(HttpStatusCode Status, JsonElement Body)>();
        for (var i = 0; i < Guesses; i++)
        {
            guesses.Add(await DeleteDeviceAsync(server, session, "NOSUCHDEVICE", "guess" + i));
        }

        Assert.Equal(3, guesses.Count(g => g.Status == HttpStatusCode.Unauthorized));
        Assert.All(guesses.Skip(3), AssertLimited);
    }

    private static Task<LiveServer> StartAsync(ManualTimeProvider clock, Dictionary<string, string?> settings) =>
        LiveServer.StartAsync(settings: settings, services: s => s.AddSingleton<TimeProvider>(clock));

    private static async Task<(HttpStatusCode Status, JsonElement Body)> DeleteDeviceAsync(LiveServer server,
        TestSession session, string deviceId, string password)
    {
        var body = new JsonObject
        {
            ["devices"] = new JsonArray(deviceId),
            ["auth"] = LoginTests.PasswordAuth(session.UserId, password, null),
        };
        return await server.PostAsync(DeleteDevices, body, session.AccessToken);
    }

    private static JsonObject LoginBody(string userId, string password) => new()
    {
        ["type"] = "m.login.password",
        ["identifier"] = new JsonObject { ["type"] = "m.id.user", ["user"] = userId },
        ["password"] = password,
    };

    private static void AssertLimited((HttpStatusCode Status, JsonElement Body) response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.Status);
        Assert.Equal("M_LIMIT_EXCEEDED", response.Body.GetProperty("errcode").GetString());
        Assert.InRange(response.Body.GetProperty("retry_after_ms").GetInt64(), 1, 6_000);
    }

    private static TimeSpan RetryAfter((HttpStatusCode Status, JsonElement Body) response) =>
        TimeSpan.FromMilliseconds(response.Body.GetProperty("retry_after_ms").GetInt64());
}
