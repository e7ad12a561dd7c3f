// Federation delivery latency: two of our servers in this process, each on its own database in a throwaway Postgres
// cluster (fsync on), federating over TLS on loopback; then homeserver-bench's fed-latency scenario against them
// (a user of the second server joins a room of the first; latency from the send's start on the first to the second's
// /sync, and the first's own /sync as the baseline). Any other homeserver-bench option may follow, e.g.
//
//   dotnet run -c Release --project bench/Homeserver.Bench.FederationLatency -- --fed-messages 200 --json fed.json
//
// --pid is this process (both servers and the client: read the CPU column as all three).
using System.Globalization;
using Homeserver.Bench.Cli;
using Homeserver.Bench.FederationLatency;
using Homeserver.Storage.Postgres;
using Homeserver.Testing;
using Microsoft.Extensions.Logging.Abstractions;

using var directory = new TempDirectory("hs-bench-fedlat-");
var cluster = await LocalPostgresCluster.StartAsync(Path.Combine(directory.Path, "postgres"), null,
    NullLogger.Instance, CancellationToken.None);
try
{
    var databases = 0;
    await using var pair = await BenchHomeservers.StartPairAsync(async () =>
    {
        var name = "homeserver" + ++databases;
        await cluster.EnsureDatabaseAsync(name, CancellationToken.None);
        return cluster.ConnectionString(name);
    }, CancellationToken.None);
    string[] fixedArguments =
    [
        "fed-latency", "--url", FederatedPair.ClientUrlOf(pair.First).ToString(),
        "--remote-url", FederatedPair.ClientUrlOf(pair.Second).ToString(),
        "--pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), "--no-http-baseline",
    ];
    return await BenchCommandLine.Build(Console.Out, Console.Error).Parse([.. fixedArguments, .. args]).InvokeAsync();
}
finally
{
    await cluster.StopAsync(CancellationToken.None);
}
