using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Accounts;

/// <summary>Device management: listing, last-seen, renaming, and deletion with user-interactive auth.</summary>
public sealed class DevicesTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task Listing_devices_shows_each_device_of_the_user_and_no_one_elses()
    {
        var first = await Server.RegisterAsync(deviceDisplayName: "phone");
        var second = await Server.LoginAsync(first.UserId);
        await Server.RegisterAsync();

        var body = await MatrixAssert.OkAsync(await first.Client.GetAsync("/_matrix/client/v3/devices"));

        var devices = body.GetProperty("devices").EnumerateArray().ToList();
        Assert.Equal(new[] { first.DeviceId, second.DeviceId }.Order(StringComparer.Ordinal),
            devices.Select(d => d.GetProperty("device_id").GetString()!).Order(StringComparer.Ordinal));
        var phone = devices.Single(d => d.GetProperty("device_id").GetString() == first.DeviceId);
        Assert.Equal("phone", phone.GetProperty("display_name").GetString());
    }

    [Fact]
    public async Task A_device_shows_where_and_when_it_was_last_seen_before_that_is_written()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var session = await Server.RegisterAsync();

        // The sighting of this very request is in memory only (written every few seconds), yet shown.
        var device = await MatrixAssert.OkAsync(
            await session.Client.GetAsync($"/_matrix/client/v3/devices/{session.DeviceId}"));

        Assert.Equal(session.DeviceId, device.GetProperty("device_id").GetString());
        Assert.Equal("127.0.0.1", device.GetProperty("last_seen_ip").GetString());
        var seen = device.GetProperty("last_seen_ts").GetInt64();
        Assert.InRange(seen, before, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task Last_seen_is_written_when_the_server_stops_and_shown_by_the_next_server()
    {
        string connectionString;
        TestSession session;
        long seen;
        await using (var first = await LiveServer.StartAsync())
        {
            connectionString = first.ConnectionString;
            session = await first.RegisterAsync();
            var device = await MatrixAssert.OkAsync(
                await session.Client.GetAsync($"/_matrix/client/v3/devices/{session.DeviceId}"));
            seen = device.GetProperty("last_seen_ts").GetInt64();
        }

        await using var second = await LiveServer.StartAsync(connectionString);
        var other = await second.LoginAsync(session.UserId);
        var stored = await MatrixAssert.OkAsync(
            await other.Client.GetAsync($"/_matrix/client/v3/devices/{session.DeviceId}"));

        Assert.Equal(seen, stored.GetProperty("last_seen_ts").GetInt64());
        Assert.Equal("127.0.0.1", stored.GetProperty("last_seen_ip").GetString());
    }

    [Fact]
    public async Task An_unknown_device_or_another_users_device_is_M_NOT_FOUND()
    {
        var session = await Server.RegisterAsync();
        var stranger = await Server.RegisterAsync();

        await MatrixAssert.ErrorAsync(await session.Client.GetAsync("/_matrix/client/v3/devices/NOSUCHDEVICE"),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await session.Client.GetAsync($"/_matrix/client/v3/devices/{stranger.DeviceId}"),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Renaming_a_device_changes_only_its_display_name()
    {
        var session = await Server.RegisterAsync(deviceDisplayName: "old");
        var path = $"/_matrix/client/v3/devices/{session.DeviceId}";

        await MatrixAssert.OkAsync(await session.Client.PutAsJsonAsync(path,
            new JsonObject { ["display_name"] = "laptop", ["device_id"] = "IGNORED" }));
        Assert.Equal("laptop", (await MatrixAssert.OkAsync(await session.Client.GetAsync(path)))
            .GetProperty("display_name").GetString());

        // Without display_name nothing changes; null clears the name.
        await MatrixAssert.OkAsync(await session.Client.PutAsJsonAsync(path, new JsonObject()));
        Assert.Equal("laptop", (await MatrixAssert.OkAsync(await session.Client.GetAsync(path)))
            .GetProperty("display_name").GetString());
        await MatrixAssert.OkAsync(await session.Client.PutAsJsonAsync(path, new JsonObject { ["display_name"] = null }));
        var cleared = await MatrixAssert.OkAsync(await session.Client.GetAsync(path));
        Assert.False(cleared.TryGetProperty("display_name", out _));
        Assert.Equal(session.DeviceId, cleared.GetProperty("device_id").GetString());
    }

    [Fact]
    public async Task Renaming_an_unknown_or_another_users_device_is_M_NOT_FOUND_and_changes_nothing()
    {
        var session = await Server.RegisterAsync();
        var stranger = await Server.RegisterAsync(deviceDisplayName: "theirs");

        await MatrixAssert.ErrorAsync(await session.Client.PutAsJsonAsync("/_matrix/client/v3/devices/NOSUCHDEVICE",
            new JsonObject { ["display_name"] = "x" }), HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await session.Client.PutAsJsonAsync("/_matrix/client/v3/devices/NOSUCHDEVICE",
            new JsonObject()), HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await session.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/devices/{stranger.DeviceId}", new JsonObject { ["display_name"] = "mine" }),
            HttpStatusCode.NotFound, "M_NOT_FOUND");

        var theirs = await MatrixAssert.OkAsync(
            await stranger.Client.GetAsync($"/_matrix/client/v3/devices/{stranger.DeviceId}"));
        Assert.Equal("theirs", theirs.GetProperty("display_name").GetString());
    }

    [Fact]
    public async Task A_device_name_that_is_not_a_string_or_over_100_characters_is_refused()
    {
        var session = await Server.RegisterAsync();
        var path = $"/_matrix/client/v3/devices/{session.DeviceId}";

        await MatrixAssert.ErrorAsync(await session.Client.PutAsJsonAsync(path, new JsonObject { ["display_name"] = 5 }),
            HttpStatusCode.BadRequest, "M_BAD_JSON");
        await MatrixAssert.ErrorAsync(await session.Client.PutAsJsonAsync(path,
            new JsonObject { ["display_name"] = new string('x', 101) }), HttpStatusCode.BadRequest, "M_TOO_LARGE");
        await MatrixAssert.OkAsync(await session.Client.PutAsJsonAsync(path,
            new JsonObject { ["display_name"] = new string('x', 100) }));
    }

    [Fact]
    public async Task Deleting_a_device_asks_for_the_password_then_revokes_its_token_at_once()
    {
        var session = await Server.RegisterAsync();
        var other = await Server.LoginAsync(session.UserId);
        await MatrixAssert.OkAsync(await other.Client.GetAsync("/_matrix/client/v3/account/whoami"));

        var challenge = await DeleteDeviceAsync(session, other.DeviceId, body: null);
        var uia = await UiaChallengeAsync(challenge);
        Assert.Equal(HttpStatusCode.OK, (await DeleteDeviceAsync(session, other.DeviceId,
            PasswordAuth(session, uia.GetProperty("session").GetString()!))).StatusCode);

        await MatrixAssert.ErrorAsync(await other.Client.GetAsync("/_matrix/client/v3/account/whoami"),
            HttpStatusCode.Unauthorized, "M_UNKNOWN_TOKEN");
        var left = await MatrixAssert.OkAsync(await session.Client.GetAsync("/_matrix/client/v3/devices"));
        Assert.Equal([session.DeviceId],
            left.GetProperty("devices").EnumerateArray().Select(d => d.GetProperty("device_id").GetString()!));
    }

    [Fact]
    public async Task Deleting_a_device_with_a_wrong_password_is_refused_and_keeps_the_device()
    {
        var session = await Server.RegisterAsync();
        var other = await Server.LoginAsync(session.UserId);

        var response = await DeleteDeviceAsync(session, other.DeviceId, PasswordAuth(session, null, "wrong password"));

        var body = await UiaChallengeAsync(response);
        Assert.Equal("M_FORBIDDEN", body.GetProperty("errcode").GetString());
        await MatrixAssert.OkAsync(await other.Client.GetAsync("/_matrix/client/v3/account/whoami"));
    }

    [Fact]
    public async Task Deleting_a_device_that_does_not_exist_succeeds()
    {
        var session = await Server.RegisterAsync();

        var response = await DeleteDeviceAsync(session, "NOSUCHDEVICE", PasswordAuth(session, null));

        await MatrixAssert.OkAsync(response);
    }

    // The spec's DELETE has no 404 ("removed, or had been removed previously"), and Synapse deletes what the user has
    // of the list after UIA: another user's device ID is one the requester does not have, so nothing happens to it.
    [Fact]
    public async Task Deleting_another_users_device_succeeds_and_leaves_that_device_alone()
    {
        var session = await Server.RegisterAsync();
        var stranger = await Server.RegisterAsync();

        var response = await DeleteDeviceAsync(session, stranger.DeviceId, PasswordAuth(session, null));

        await MatrixAssert.OkAsync(response);
        await MatrixAssert.OkAsync(await stranger.Client.GetAsync("/_matrix/client/v3/account/whoami"));
        await MatrixAssert.OkAsync(await stranger.Client.GetAsync(
            $"/_matrix/client/v3/devices/{Uri.EscapeDataString(stranger.DeviceId)}"));
    }

    [Fact]
    public async Task Deleting_devices_in_bulk_revokes_each_of_them_and_keeps_the_others()
    {
        var session = await Server.RegisterAsync();
        var second = await Server.LoginAsync(session.UserId);
        var third = await Server.LoginAsync(session.UserId);

        var challenge = await session.Client.PostAsJsonAsync("/_matrix/client/v3/delete_devices",
            new JsonObject { ["devices"] = new JsonArray(second.DeviceId, third.DeviceId) });
        var uia = await UiaChallengeAsync(challenge);
        var body = PasswordAuth(session, uia.GetProperty("session").GetString()!);
        body["devices"] = new JsonArray(second.DeviceId, third.DeviceId);
        await MatrixAssert.OkAsync(await session.Client.PostAsJsonAsync("/_matrix/client/v3/delete_devices", body));

        foreach (var gone in new[] { second, third })
        {
            await MatrixAssert.ErrorAsync(await gone.Client.GetAsync("/_matrix/client/v3/account/whoami"),
                HttpStatusCode.Unauthorized, "M_UNKNOWN_TOKEN");
        }

        await MatrixAssert.OkAsync(await session.Client.GetAsync("/_matrix/client/v3/account/whoami"));
    }

    [Fact]
    public async Task Bulk_deletion_needs_a_list_of_device_ids()
    {
        var session = await Server.RegisterAsync();

        await MatrixAssert.ErrorAsync(await session.Client.PostAsJsonAsync("/_matrix/client/v3/delete_devices",
            new JsonObject()), HttpStatusCode.BadRequest, "M_MISSING_PARAM");
        await MatrixAssert.ErrorAsync(await session.Client.PostAsJsonAsync("/_matrix/client/v3/delete_devices",
            new JsonObject { ["devices"] = new JsonArray(1, 2) }), HttpStatusCode.BadRequest, "M_BAD_JSON");
        await MatrixAssert.ErrorAsync(await session.Client.PostAsJsonAsync("/_matrix/client/v3/delete_devices",
            new JsonObject { ["devices"] = session.DeviceId }), HttpStatusCode.BadRequest, "M_BAD_JSON");
    }

    [Fact]
    public async Task Guests_may_see_and_rename_their_devices_but_not_delete_them()
    {
        var guest = await Server.RegisterGuestAsync();

        await MatrixAssert.OkAsync(await guest.Client.GetAsync("/_matrix/client/v3/devices"));
        await MatrixAssert.OkAsync(await guest.Client.PutAsJsonAsync($"/_matrix/client/v3/devices/{guest.DeviceId}",
            new JsonObject { ["display_name"] = "guest phone" }));
        await MatrixAssert.ErrorAsync(await DeleteDeviceAsync(guest, guest.DeviceId, new JsonObject()),
            HttpStatusCode.Forbidden, "M_GUEST_ACCESS_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await guest.Client.PostAsJsonAsync("/_matrix/client/v3/delete_devices",
            new JsonObject { ["devices"] = new JsonArray() }), HttpStatusCode.Forbidden, "M_GUEST_ACCESS_FORBIDDEN");
    }

    [Fact]
    public async Task Device_endpoints_need_an_access_token_and_answer_under_r0()
    {
        var session = await Server.RegisterAsync();

        await MatrixAssert.ErrorAsync(await Server.Anonymous.GetAsync("/_matrix/client/v3/devices"),
            HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
        await MatrixAssert.ErrorAsync(await Server.Anonymous.GetAsync($"/_matrix/client/v3/devices/{session.DeviceId}"),
            HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
        await MatrixAssert.OkAsync(await session.Client.GetAsync("/_matrix/client/r0/devices"));
    }

    private static async Task<HttpResponseMessage> DeleteDeviceAsync(TestSession session, string deviceId,
        JsonObject? body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"/_matrix/client/v3/devices/{deviceId}");
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await session.Client.SendAsync(request);
    }

    private static JsonObject PasswordAuth(TestSession session, string? uiaSession,
        string password = LiveServer.Password)
    {
        var auth = new JsonObject
        {
            ["type"] = "m.login.password",
            ["identifier"] = new JsonObject { ["type"] = "m.id.user", ["user"] = session.UserId },
            ["password"] = password,
        };
        if (uiaSession is not null)
        {
            auth["session"] = uiaSession;
        }

        return new JsonObject { ["auth"] = auth };
    }

    /// <summary>Asserts a user-interactive auth 401 offering m.login.password; returns its body.</summary>
    private static async Task<JsonElement> UiaChallengeAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"expected 401, got {response.StatusCode}: {text}");
        var body = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Contains(body.GetProperty("flows").EnumerateArray(), flow =>
            flow.GetProperty("stages").EnumerateArray().Select(s => s.GetString()).SequenceEqual(["m.login.password"]));
        Assert.False(string.IsNullOrEmpty(body.GetProperty("session").GetString()));
        return body;
    }
}
