using Homeserver.Bench.FederationLatency;
using Homeserver.Host.Hosting;
using Homeserver.Testing;

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
        _instance = await BenchHomeservers.StartAsync(_data.Path, ConnectionString, null, CancellationToken.None);
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
