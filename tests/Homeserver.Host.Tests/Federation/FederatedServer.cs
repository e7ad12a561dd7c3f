using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Identifiers;
using Homeserver.Host.Tests.Support;
using Homeserver.Services.Federation.Keys;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Federation;

/// <summary>
/// A <see cref="LiveServer"/> with its federation listener on (HTTPS, its self-signed certificate) and key fetching
/// through <see cref="LoopbackServerKeyTransport"/>.
/// </summary>
internal static class FederatedServer
{
    public static async Task<(LiveServer Server, Uri Federation, LoopbackServerKeyTransport Transport)> StartAsync(
        string serverName, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var transport = new LoopbackServerKeyTransport();
        var values = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Listen:Federation"] = "https://127.0.0.1:0",
        };
        var server = await LiveServer.StartAsync(serverName: serverName, settings: values,
            services: services => services.AddSingleton<IServerKeyTransport>(transport));
        var addresses = server.Instance.Addresses;
        Assert.Equal(Uri.UriSchemeHttp, addresses[0].Scheme);
        return (server, addresses.Single(a => a.Scheme == Uri.UriSchemeHttps), transport);
    }

    /// <summary>An HTTPS client for a test server's federation listener (its certificate is self-signed).</summary>
    public static HttpClient Client(Uri federation) => new(new HttpClientHandler
    {
        ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
    }) { BaseAddress = federation };
}

/// <summary>
/// Reaches other test servers on loopback only: a server named by a loopback IP literal (<c>127.0.0.1:port</c>) over
/// plain HTTP, others at the federation URL the test maps them to. Anything else fails.
/// </summary>
internal sealed class LoopbackServerKeyTransport : IServerKeyTransport, IDisposable
{
    private readonly ConcurrentDictionary<string, Uri> _servers = new();
    private readonly HttpClient _client = new(new HttpClientHandler
    {
        ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
    });

    public ConcurrentBag<string> Requests { get; } = [];

    public void Map(string serverName, Uri federation) => _servers[serverName] = federation;

    public async Task<JsonElement> GetJsonAsync(ServerName server, string pathAndQuery,
        CancellationToken cancellationToken)
    {
        Requests.Add($"GET {server} {pathAndQuery}");
        using var response = await _client.GetAsync(new Uri(BaseOf(server), pathAndQuery), cancellationToken);
        return await ReadAsync(response, cancellationToken);
    }

    public async Task<JsonElement> PostJsonAsync(ServerName server, string path, JsonNode body,
        CancellationToken cancellationToken)
    {
        Requests.Add($"POST {server} {path}");
        using var content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync(new Uri(BaseOf(server), path), content, cancellationToken);
        return await ReadAsync(response, cancellationToken);
    }

    public void Dispose() => _client.Dispose();

    private Uri BaseOf(ServerName server)
    {
        if (_servers.TryGetValue(server.Value, out var mapped))
        {
            return mapped;
        }

        return IPAddress.TryParse(server.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address)
            ? new Uri($"http://{server.Value}")
            : throw new HttpRequestException($"{server} is not a loopback test server");
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement.Clone();
    }
}
