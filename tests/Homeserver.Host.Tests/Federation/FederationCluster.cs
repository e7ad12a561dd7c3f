using System.Security.Cryptography.X509Certificates;
using Homeserver.Host.Tests.Support;
using Homeserver.Testing;

namespace Homeserver.Host.Tests.Federation;

/// <summary>
/// Several of our servers federating with each other over the real federation client: each has its own database, a
/// federation listener on a fixed loopback port with a certificate from a test CA that every server trusts, and host
/// overrides that send each server name to its listener (no test transport, no DNS).
/// Servers are named <c>hs1.test</c>, <c>hs2.test</c>, ... A server can be stopped and started again as it was (same
/// database, data directory and so signing key, federation port, certificate and settings; a new client port).
/// </summary>
public sealed class FederationCluster : IAsyncDisposable
{
    private readonly TempDirectory _files;
    private readonly X509Certificate2 _ca;
    private readonly List<LiveServer?> _servers;
    private readonly List<Dictionary<string, string?>> _settings;
    private readonly List<string> _connectionStrings;

    private FederationCluster(TempDirectory files, X509Certificate2 ca, List<LiveServer?> servers,
        List<Dictionary<string, string?>> settings)
    {
        _files = files;
        _ca = ca;
        _servers = servers;
        _settings = settings;
        _connectionStrings = servers.Select(server => server!.ConnectionString).ToList();
    }

    /// <summary>The servers running now.</summary>
    public IReadOnlyList<LiveServer> Servers => _servers.OfType<LiveServer>().ToList();

    /// <summary>The running server; a stopped one throws.</summary>
    public LiveServer this[int index] =>
        _servers[index] ?? throw new InvalidOperationException($"{NameOf(index)} is stopped");

    public static string NameOf(int index) => $"hs{index + 1}.test";

    /// <summary>Starts <paramref name="count"/> servers; <paramref name="settingsFor"/> adds settings per server
    /// (keys without the <c>Homeserver:</c> prefix, as <see cref="LiveServer.StartAsync"/> takes them).</summary>
    public static async Task<FederationCluster> StartAsync(int count,
        Func<int, IReadOnlyDictionary<string, string?>>? settingsFor = null)
    {
        var files = new TempDirectory();
        var ca = TestCertificates.CreateCa("Federation cluster CA");
        var network = new LoopbackFederation(ca, files.Path, Enumerable.Range(0, count).Select(NameOf).ToList());
        var servers = new List<LiveServer?>();
        var allSettings = new List<Dictionary<string, string?>>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var settings = new Dictionary<string, string?>(network.SettingsOf(NameOf(i)))
                {
                    ["DataDirectory"] = Directory.CreateDirectory(Path.Combine(files.Path, NameOf(i) + "-data")).FullName,
                };
                foreach (var (key, value) in settingsFor?.Invoke(i) ?? new Dictionary<string, string?>())
                {
                    settings[key] = value;
                }

                allSettings.Add(settings);
                servers.Add(await LiveServer.StartAsync(serverName: NameOf(i), settings: settings,
                    dataDirectory: settings["DataDirectory"]));
            }
        }
        catch
        {
            foreach (var server in servers)
            {
                await server!.DisposeAsync();
            }

            ca.Dispose();
            files.Dispose();
            throw;
        }

        return new FederationCluster(files, ca, servers, allSettings);
    }

    /// <summary>The HTTPS address of a server's federation listener.</summary>
    public Uri FederationOf(int index) =>
        this[index].Instance.Addresses.Single(address => address.Scheme == Uri.UriSchemeHttps);

    /// <summary>Stops a server as a shutdown does (its queues and data stay); the others see it down.</summary>
    public async Task StopAsync(int index)
    {
        var server = this[index];
        _servers[index] = null;
        await server.DisposeAsync();
    }

    /// <summary>Starts a stopped server again on its database, data directory, federation port and certificate.
    /// Sessions made before still work; clients made before (<see cref="TestSession.Client"/>) point at the old
    /// client port: use the server's own requests with the access token.</summary>
    public async Task<LiveServer> StartAgainAsync(int index)
    {
        if (_servers[index] is not null)
        {
            throw new InvalidOperationException($"{NameOf(index)} is running");
        }

        var settings = _settings[index];
        var server = await LiveServer.StartAsync(_connectionStrings[index], serverName: NameOf(index),
            settings: settings, dataDirectory: settings["DataDirectory"]);
        _servers[index] = server;
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }

        _ca.Dispose();
        _files.Dispose();
    }
}
