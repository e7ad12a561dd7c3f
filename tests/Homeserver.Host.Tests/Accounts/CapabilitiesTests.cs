using System.Net;
using System.Text.Json;
using Homeserver.Core.Events;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Accounts;

/// <summary><c>GET /capabilities</c>: what the requester may do on this server.</summary>
public sealed class CapabilitiesTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task Capabilities_list_every_room_version_as_stable_with_12_as_the_default()
    {
        var session = await Server.RegisterAsync();

        var versions = (await CapabilitiesAsync(session.Client)).GetProperty("m.room_versions");

        Assert.Equal("12", versions.GetProperty("default").GetString());
        var available = versions.GetProperty("available").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.Equal(Enumerable.Range(1, 12).Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            available.Keys);
        Assert.All(RoomVersions.All, v => Assert.Equal(v.IsStable ? "stable" : "unstable", available[v.Id]));
        Assert.All(available.Values, stability => Assert.Equal("stable", stability));
    }

    [Fact]
    public async Task Capabilities_tell_a_user_it_may_change_its_password_profile_and_get_login_tokens()
    {
        var session = await Server.RegisterAsync();

        var capabilities = await CapabilitiesAsync(session.Client);

        Assert.True(Enabled(capabilities, "m.change_password"));
        Assert.True(Enabled(capabilities, "m.set_displayname"));
        Assert.True(Enabled(capabilities, "m.set_avatar_url"));
        Assert.False(Enabled(capabilities, "m.3pid_changes"));
        Assert.True(Enabled(capabilities, "m.get_login_token"));
        var profileFields = capabilities.GetProperty("m.profile_fields");
        Assert.True(profileFields.GetProperty("enabled").GetBoolean());
        Assert.False(profileFields.TryGetProperty("allowed", out _));
    }

    [Fact]
    public async Task Capabilities_tell_a_guest_it_may_change_only_its_display_name()
    {
        var guest = await Server.RegisterGuestAsync();

        var capabilities = await CapabilitiesAsync(guest.Client);

        Assert.False(Enabled(capabilities, "m.change_password"));
        Assert.True(Enabled(capabilities, "m.set_displayname"));
        Assert.False(Enabled(capabilities, "m.set_avatar_url"));
        Assert.False(Enabled(capabilities, "m.get_login_token"));
        var profileFields = capabilities.GetProperty("m.profile_fields");
        Assert.True(profileFields.GetProperty("enabled").GetBoolean());
        Assert.Equal(["displayname"],
            profileFields.GetProperty("allowed").EnumerateArray().Select(f => f.GetString()!));
    }

    [Fact]
    public async Task Capabilities_need_an_access_token_and_answer_under_r0()
    {
        var session = await Server.RegisterAsync();

        await MatrixAssert.ErrorAsync(await Server.Anonymous.GetAsync("/_matrix/client/v3/capabilities"),
            HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
        await MatrixAssert.OkAsync(await session.Client.GetAsync("/_matrix/client/r0/capabilities"));
    }

    private static async Task<JsonElement> CapabilitiesAsync(HttpClient client) =>
        (await MatrixAssert.OkAsync(await client.GetAsync("/_matrix/client/v3/capabilities"))).GetProperty("capabilities");

    private static bool Enabled(JsonElement capabilities, string name) =>
        capabilities.GetProperty(name).GetProperty("enabled").GetBoolean();
}
