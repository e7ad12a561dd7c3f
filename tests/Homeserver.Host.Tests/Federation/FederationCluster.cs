using System.Security.Cryptography.X509Certificates;
using Homeserver.Host.Tests.Support;
using Homeserver.Testing;

namespace Homeserver.Host.Tests.Federation;

/// <summary>
/// Several of our servers federating with each other over the real federation client: each has its own database, a
/// federation listener on a fixed loopback port with a certificate from a test CA that every server trusts, and host
/// overrides that send each server name to its listener (no test transport, no DNS).
/// Servers are named <c>hs1.test</c>, <c>hs2.test</c>, ...
/// </summary>
public sealed class FederationCluster : IAsyncDisposable
{
    private readonly TempDirectory _files;
    private readonly X509Certificate2 _ca;
    private readonly List<LiveServer> _servers;

    private FederationCluster(TempDirectory files, X509Certificate2 ca, List<LiveServer> servers)
    {
        _files = files;
        _ca = ca;
        _servers = servers;
    }

    public IReadOnlyList<LiveServer> Servers => _servers;

    public LiveServer this[int index] => _servers[index];

    public static string NameOf(int index) => $"hs{index + 1}.test";

    /// <summary>Starts <paramref name="count"/> servers; <paramref name="settingsFor"/> adds settings per server
    /// (keys without the <c>Homeserver:</c> prefix, as <see cref="LiveServer.StartAsync"/> takes them).</summary>
    public static async Task<FederationCluster> StartAsync(int count,
        Func<int, IReadOnlyDictionary<string, string?>>? settingsFor = null)
    {
        var files = new TempDirectory();
        var ca = TestCertificates.CreateCa("Federation cluster CA");
        var network = new LoopbackFederation(ca, files.Path, Enumerable.Range(0, count).Select(NameOf).ToList());
        var servers = new List<LiveServer>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var settings = new Dictionary<string, string?>(network.SettingsOf(NameOf(i)));
                foreach (var (key, value) in settingsFor?.Invoke(i) ?? new Dictionary<string, string?>())
                {
                    settings[key] = value;
                }

                servers.Add(await LiveServer.StartAsync(serverName: NameOf(i), settings: settings));
            }
        }
        catch
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }

            ca.Dispose();
            files.Dispose();
            throw;
        }

        return new FederationCluster(files, ca, servers);
    }

    /// <summary>The HTTPS address of a server's federation listener.</summary>
    public Uri FederationOf(int index) =>
        _servers[index].Instance.Addresses.Single(address => address.Scheme == Uri.UriSchemeHttps);

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        _ca.Dispose();
        _files.Dispose();
    }
}
