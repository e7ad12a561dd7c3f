using Homeserver.Host.Hosting;
using Homeserver.Services.Configuration;
using Homeserver.Testing;
using Microsoft.Extensions.Configuration;

namespace Homeserver.Bench.FederationLatency;

/// <summary>
/// Servers of ours in this process, set up as a benchmark wants them: registration open, rate limits off, cheap
/// password hashing, warnings only in the log.
/// </summary>
public static class BenchHomeservers
{
    /// <param name="settings">Settings added to or replacing the defaults, as keys under <c>Homeserver:</c>.</param>
    public static async Task<HomeserverInstance> StartAsync(string dataDirectory, string connectionString,
        IReadOnlyDictionary<string, string?>? settings, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, string?>
        {
            ["Homeserver:DataDirectory"] = dataDirectory,
            ["Homeserver:Database:ConnectionString"] = connectionString,
            ["Homeserver:Listen:Client"] = "http://127.0.0.1:0",
            ["Homeserver:Listen:Federation"] = "",
            ["Homeserver:Registration:Enabled"] = "true",
            ["Homeserver:RateLimits:Enabled"] = "false",
            ["Homeserver:Security:PasswordHashIterations"] = "1000",
            ["Homeserver:Logging:Level"] = "warning",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values["Homeserver:" + key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        return await HomeserverInstance.StartAsync(SettingsReader.Read(configuration, dataDirectory), cancellationToken);
    }

    /// <summary>
    /// Two servers named <c>a.bench.test</c> and <c>b.bench.test</c>, each on its own database (made by
    /// <paramref name="createDatabase"/>), federating with each other over TLS on loopback.
    /// </summary>
    public static async Task<FederatedPair> StartPairAsync(Func<Task<string>> createDatabase,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(createDatabase);
        string[] names = ["a.bench.test", "b.bench.test"];
        var files = new TempDirectory("hs-bench-fed-");
        var servers = new List<HomeserverInstance>();
        try
        {
            using (var ca = TestCertificates.CreateCa("Federation bench CA"))
            {
                var network = new LoopbackFederation(ca, files.Path, names);
                foreach (var name in names)
                {
                    var settings = new Dictionary<string, string?>(network.SettingsOf(name)) { ["ServerName"] = name };
                    var data = Directory.CreateDirectory(Path.Combine(files.Path, name)).FullName;
                    servers.Add(await StartAsync(data, await createDatabase(), settings, cancellationToken));
                }
            }

            return new FederatedPair(servers[0], servers[1], files);
        }
        catch
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }

            files.Dispose();
            throw;
        }
    }
}

/// <summary>Two running servers that federate with each other; disposing stops both and deletes their files.</summary>
public sealed class FederatedPair(HomeserverInstance first, HomeserverInstance second, TempDirectory files)
    : IAsyncDisposable
{
    public HomeserverInstance First { get; } = first;

    public HomeserverInstance Second { get; } = second;

    /// <summary>A server's client API (plain HTTP on loopback).</summary>
    public static Uri ClientUrlOf(HomeserverInstance server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return server.Addresses.First(address => address.Scheme == Uri.UriSchemeHttp);
    }

    public async ValueTask DisposeAsync()
    {
        await First.DisposeAsync();
        await Second.DisposeAsync();
        files.Dispose();
    }
}
