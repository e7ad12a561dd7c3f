using Homeserver.Bench.FederationLatency;
using Homeserver.Testing;

namespace Homeserver.Bench.Tests;

/// <summary>
/// fed-latency at a tiny size against two of our servers federating over loopback TLS: every message sent on the
/// first reaches both the second's /sync and the first's own, in both phases.
/// </summary>
public sealed class FederationLatencySmokeTests
{
    [Fact]
    public async Task Every_message_sent_on_one_server_is_seen_in_the_other_servers_sync_and_the_local_one()
    {
        var postgres = await TestPostgres.SharedAsync();
        await using var pair = await BenchHomeservers.StartPairAsync(postgres.CreateDatabaseAsync, CancellationToken.None);
        var sizes = BenchSizes.Tiny;
        var options = new BenchOptions
        {
            BaseUrl = FederatedPair.ClientUrlOf(pair.First),
            RemoteUrl = FederatedPair.ClientUrlOf(pair.Second),
            Scenarios = ["fed-latency"],
            Sizes = sizes,
            SizeName = "tiny",
            HttpBaseline = false,
        };

        var report = await BenchRunner.RunAsync(options, TextWriter.Null, CancellationToken.None);

        Assert.Empty(report.Failures);
        Assert.Equal(
            ["fed-latency/paced/remote", "fed-latency/paced/local", "fed-latency/burst/remote", "fed-latency/burst/local"],
            report.Results.Select(r => r.Name));
        foreach (var result in report.Results)
        {
            Assert.True(result.Errors == 0, $"{result.Name}: {string.Join(", ", result.ErrorsByKind)}");
            Assert.Equal(sizes.FederationMessages, result.Operations);
            Assert.Equal(sizes.FederationMessages, result.Latency.Count);
        }

        Assert.All(report.Results.Where(r => r.Name.EndsWith("/remote", StringComparison.Ordinal)),
            remote => Assert.True(remote.Extra["p50_x_local"] > 0));
    }
}
