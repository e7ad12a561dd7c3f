using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using Homeserver.Testing;

namespace Homeserver.Host.Tests.AppServices;

/// <summary>
/// Two servers with the same two registration files: <see cref="Open"/> (registration open, rate limits off) and
/// <see cref="Closed"/> (registration closed, rate limits on: registrations, logins and media IDs tightly limited).
/// The bridge claims users <c>@_ghost_.*</c> and aliases <c>#_ghost_.*</c> exclusively and users <c>@shared_.*</c>
/// not, and is rate-limited; the device bridge (MSC4190) claims <c>@dev_.*</c> (no leading '_', which users could not register anyway)
/// and is not rate-limited.
/// </summary>
public sealed class AppServiceServers : IAsyncLifetime
{
    public const string BridgeToken = "as-bridge-token";
    public const string DeviceBridgeToken = "as-devbridge-token";
    public const string BridgeSender = "@_ghost_bot:localhost";
    private readonly TempDirectory _files = new();

    public LiveServer Open { get; private set; } = null!;

    public LiveServer Closed { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var bridge = Path.Combine(_files.Path, "bridge.yaml");
        await File.WriteAllTextAsync(bridge, """
            id: bridge
            url: null
            as_token: as-bridge-token
            hs_token: hs-bridge-token
            sender_localpart: _ghost_bot
            rate_limited: true
            namespaces:
              users:
                - exclusive: true
                  regex: '@_ghost_.*:localhost'
                - exclusive: false
                  regex: '@shared_.*'
              aliases:
                - exclusive: true
                  regex: '#_ghost_.*'
            """);
        var deviceBridge = Path.Combine(_files.Path, "devbridge.yaml");
        await File.WriteAllTextAsync(deviceBridge, """
            id: devbridge
            url: null
            as_token: as-devbridge-token
            hs_token: hs-devbridge-token
            sender_localpart: dev_bot
            rate_limited: false
            io.element.msc4190: true
            namespaces:
              users:
                - exclusive: true
                  regex: '@dev_.*'
            """);
        var files = new Dictionary<string, string?>
        {
            ["AppServices:ConfigFiles:0"] = bridge,
            ["AppServices:ConfigFiles:1"] = deviceBridge,
        };
        Open = await LiveServer.StartAsync(settings: files);
        Closed = await LiveServer.StartAsync(settings: new Dictionary<string, string?>(files)
        {
            ["Registration:Enabled"] = "false",
            ["RateLimits:Enabled"] = "true",
            ["RateLimits:Registration:PerSecond"] = "0.001",
            ["RateLimits:Registration:Burst"] = "1",
            ["Media:UploadsPerSecond"] = "0.001",
            ["Media:UploadBurst"] = "1",
        });
    }

    public async Task DisposeAsync()
    {
        await Open.DisposeAsync();
        await Closed.DisposeAsync();
        _files.Dispose();
    }

    /// <summary>A request made with an as_token.</summary>
    public static async Task<(HttpStatusCode Status, JsonElement Body)> AsAsync(LiveServer server, string token,
        HttpMethod method, string path, JsonNode? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await server.Anonymous.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>Registers a ghost as the appservice; with a login (an access token and device) unless inhibited.</summary>
    public static Task<(HttpStatusCode Status, JsonElement Body)> RegisterGhostAsync(LiveServer server, string token,
        string username, bool inhibitLogin = true) =>
        AsAsync(server, token, HttpMethod.Post, "/_matrix/client/v3/register", new JsonObject
        {
            ["type"] = "m.login.application_service",
            ["username"] = username,
            ["inhibit_login"] = inhibitLogin,
        });

    public static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];
}

[CollectionDefinition(Name)]
public sealed class AppServiceServersGroup : ICollectionFixture<AppServiceServers>
{
    public const string Name = "appservice servers";
}
