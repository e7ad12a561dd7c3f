using System.Text.Json;
using Homeserver.Bench.Measurement;

namespace Homeserver.Bench.Tests;

/// <summary>Every scenario at tiny sizes against a fresh server of ours: results with no errors and the planned operation counts.</summary>
public sealed class ScenarioSmokeTests : IClassFixture<BenchServer>
{
    private readonly BenchServer _server;

    public ScenarioSmokeTests(BenchServer server) => _server = server;

    [Fact]
    public async Task All_scenarios_run_at_tiny_sizes_without_errors_and_write_json_and_html()
    {
        using var directory = new Homeserver.Testing.TempDirectory();
        var sizes = BenchSizes.Tiny;
        var options = new BenchOptions
        {
            BaseUrl = _server.BaseUrl,
            Scenarios = BenchOptions.AllScenarios,
            ServerPid = Environment.ProcessId,
            PostgresConnectionString = _server.ConnectionString,
            Sizes = sizes,
            SizeName = "tiny",
            JsonOutput = new FileInfo(Path.Combine(directory.Path, "out.json")),
            HtmlOutput = new FileInfo(Path.Combine(directory.Path, "out.html")),
        };

        var report = await BenchRunner.RunAsync(options, TextWriter.Null, CancellationToken.None);

        Assert.Empty(report.Failures);
        var expected = new Dictionary<string, int>
        {
            ["send-seq"] = sizes.Messages,
            ["send-conc/own-rooms"] = sizes.Clients * sizes.MessagesPerClient,
            ["send-conc/shared-room"] = sizes.Clients * sizes.MessagesPerClient,
            ["sync-fanout"] = sizes.Users * sizes.FanoutMessages,
            ["initial-sync"] = sizes.Repeats,
            ["messages"] = sizes.Repeats,
            ["join-storm"] = sizes.Joiners,
            ["idle-conns"] = 2 * sizes.Probes,
            ["media/upload"] = sizes.Clients * sizes.MessagesPerClient,
            ["media/download"] = sizes.Clients * sizes.MessagesPerClient,
            ["media/thumbnail"] = sizes.Repeats,
        };
        Assert.Equal(expected.Keys, report.Results.Select(r => r.Name));
        foreach (var result in report.Results)
        {
            Assert.True(result.Errors == 0, $"{result.Name}: {string.Join(", ", result.ErrorsByKind)}");
            Assert.Equal(expected[result.Name], result.Operations);
            Assert.Equal(result.Operations, result.Latency.Count);
            Assert.NotNull(result.Server?.RssPeakBytes);
        }

        foreach (var send in report.Results.Where(r => r.Name.StartsWith("send-", StringComparison.Ordinal)))
        {
            Assert.Equal(["http echo (bare Kestrel)", "postgres insert+commit"], send.Limits.Select(l => l.Name));
            Assert.All(send.Limits, l => Assert.True(l.OpsPerSecond > 0 && l.Ratio > 0));
        }

        Assert.True(report.Results.Single(r => r.Name == "idle-conns").Extra.ContainsKey("bytes_per_idle_connection"));
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(options.JsonOutput.FullName));
        Assert.Equal(expected.Count, json.RootElement.GetProperty("results").GetArrayLength());
        var html = await File.ReadAllTextAsync(options.HtmlOutput.FullName);
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.Contains("send-conc/shared-room", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Password_guessing_probes_versions_during_the_attack_and_tallies_the_answers()
    {
        var sizes = BenchSizes.Tiny;
        var options = new BenchOptions
        {
            BaseUrl = _server.BaseUrl,
            Scenarios = ["password-guess"],
            Sizes = sizes,
            SizeName = "tiny",
            HttpBaseline = false,
        };

        var report = await BenchRunner.RunAsync(options, TextWriter.Null, CancellationToken.None);

        Assert.Empty(report.Failures);
        var result = Assert.Single(report.Results);
        Assert.Equal(0, result.Errors);
        Assert.InRange(result.Operations, 1, int.MaxValue);
        // The bench server runs without rate limits: every guess is a plain wrong password, and the right one works.
        Assert.Equal(sizes.Guesses, result.Extra["guesses_answered_401_M_FORBIDDEN"]);
        Assert.Equal(200, result.Extra["right_password_after_status"]);
        Assert.True(result.Extra["probe_p50_before_ms"] > 0);
    }

    [Fact]
    public async Task A_scenario_runs_alone_from_the_command_line()
    {
        using var directory = new Homeserver.Testing.TempDirectory();
        var jsonPath = Path.Combine(directory.Path, "seq.json");
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var exit = await Cli.BenchCommandLine.Build(output, errors).Parse(
        [
            "send-seq", "--url", _server.BaseUrl.ToString(), "--size", "tiny", "--messages", "7", "--json", jsonPath,
            "--no-http-baseline",
        ]).InvokeAsync();

        Assert.True(exit == 0, errors.ToString());
        Assert.Contains("send-seq", output.ToString(), StringComparison.Ordinal);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(jsonPath));
        var result = Assert.Single(json.RootElement.GetProperty("results").EnumerateArray());
        Assert.Equal(7, result.GetProperty("operations").GetInt32());
    }

    [Fact]
    public void Percentiles_are_nearest_rank()
    {
        var sorted = Enumerable.Range(1, 100).Select(i => (double)i).ToList();
        var stats = LatencyStats.From(sorted);
        Assert.Equal((50, 95, 99, 100), (stats.P50, stats.P95, stats.P99, stats.Max));
    }
}
