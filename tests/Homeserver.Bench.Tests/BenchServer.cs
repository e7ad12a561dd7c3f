using Homeserver.Host.Hosting;
using Homeserver.Services.Configuration;
using Homeserver.Testing;
using Microsoft.Extensions.Configuration;

namespace Homeserver.Bench.Tests;

/// <summary>
/// A server of ours in this process over real HTTP on loopback and a fresh database, set up as a benchmark wants it:
/// registration open, rate limits off, cheap password hashing.
/// </summary>
public sealed class BenchServer : IAsyncLifetime
{
    private TempDirectory? _data;
    private HomeserverInstance? _instance;

    public Uri BaseUrl => _instance!.Addresses[0];

    /// <summary>The server's own database, also used by the storage baseline's scratch table.</summary>
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _data = new TempDirectory();
        ConnectionString = await (await TestPostgres.SharedAsync()).CreateDatabaseAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Homeserver:DataDirectory"] = _data.Path,
            ["Homeserver:Database:ConnectionString"] = ConnectionString,
            ["Homeserver:Listen:Client"] = "http://127.0.0.1:0",
            ["Homeserver:Listen:Federation"] = "",
            ["Homeserver:Registration:Enabled"] = "true",
            ["Homeserver:RateLimits:Enabled"] = "false",
            ["Homeserver:Security:PasswordHashIterations"] = "1000",
            ["Logging:LogLevel:Default"] = "Warning",
        }).Build();
        _instance = await HomeserverInstance.StartAsync(SettingsReader.Read(configuration, _data.Path),
            CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (_instance is not null)
        {
            await _instance.DisposeAsync();
        }

        _data?.Dispose();
    }
}
