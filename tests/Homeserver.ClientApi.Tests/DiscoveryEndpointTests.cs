using System.Net;
using System.Text.Json;

namespace Homeserver.ClientApi.Tests;

public sealed class DiscoveryEndpointTests
{
    [Fact]
    public async Task Versions_lists_versions_and_unstable_features()
    {
        await using var app = await TestApp.StartAsync();

        var response = await app.Client.GetAsync("/_matrix/client/versions");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(JsonValueKind.Array, body.GetProperty("versions").ValueKind);
        Assert.Equal(JsonValueKind.Object, body.GetProperty("unstable_features").ValueKind);
    }

    [Fact]
    public async Task Well_known_client_gives_the_public_base_url()
    {
        await using var app = await TestApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Homeserver:WellKnown:ClientBaseUrl"] = "https://matrix.example.org/",
        });

        var body = JsonDocument.Parse(await app.Client.GetStringAsync("/.well-known/matrix/client")).RootElement;

        Assert.Equal("https://matrix.example.org", body.GetProperty("m.homeserver").GetProperty("base_url").GetString());
    }

    [Fact]
    public async Task Well_known_client_defaults_to_the_client_listener()
    {
        await using var app = await TestApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Homeserver:Listen:Client"] = "http://0.0.0.0:8123",
        });

        var body = JsonDocument.Parse(await app.Client.GetStringAsync("/.well-known/matrix/client")).RootElement;

        Assert.Equal("http://localhost:8123", body.GetProperty("m.homeserver").GetProperty("base_url").GetString());
    }

    [Fact]
    public async Task Well_known_server_delegates_to_the_federation_port()
    {
        await using var app = await TestApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Homeserver:ServerName"] = "example.org",
            ["Homeserver:Listen:Federation"] = "https://0.0.0.0:8449",
        });

        var body = JsonDocument.Parse(await app.Client.GetStringAsync("/.well-known/matrix/server")).RootElement;

        Assert.Equal("example.org:8449", body.GetProperty("m.server").GetString());
    }

    [Fact]
    public async Task Well_known_server_is_404_when_federation_is_disabled()
    {
        await using var app = await TestApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Homeserver:Listen:Federation"] = "",
        });

        var response = await app.Client.GetAsync("/.well-known/matrix/server");

        await ErrorAssert.IsMatrixErrorAsync(response, HttpStatusCode.NotFound, "M_NOT_FOUND");
    }
}
