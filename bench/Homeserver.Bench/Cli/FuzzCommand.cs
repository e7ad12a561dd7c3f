using System.CommandLine;
using Homeserver.Fuzz.Running;

namespace Homeserver.Bench.Cli;

/// <summary>
/// <c>homeserver-bench fuzz --url URL [--requests N] [--seed N]</c>: the spec-driven request fuzzer of
/// Homeserver.Fuzz against a running server. Exit code 0 when no request got a 5xx and every user's /sync answers 200.
/// </summary>
public static class FuzzCommand
{
    /// <summary>The command line after the word <c>fuzz</c>.</summary>
    public static RootCommand Build(TextWriter output, TextWriter errors)
    {
        var url = new Option<string>("--url") { Description = "The homeserver's client API base URL", Required = true };
        var requests = new Option<int>("--requests")
        {
            Description = "How many fuzzed requests to send", DefaultValueFactory = _ => 20_000,
        };
        var seed = new Option<int>("--seed") { Description = "The random seed (same seed, same requests)", DefaultValueFactory = _ => 1 };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight at once", DefaultValueFactory = _ => 4 };
        var spec = new Option<string?>("--spec")
        {
            Description = "The spec data folder (default: spec-compliance/matrix-spec of this repository)",
        };
        var timeout = new Option<int>("--timeout")
        {
            Description = "Seconds to wait for one answer before counting it as none", DefaultValueFactory = _ => 30,
        };
        var command = new RootCommand("homeserver-bench fuzz: spec-driven request fuzzer, counts 5xx answers (see bench/README.md)")
        {
            url, requests, seed, concurrency, spec, timeout,
        };
        command.SetAction(async (result, ct) =>
        {
            var specDirectory = result.GetValue(spec) ?? FuzzOptions.FindSpecDirectory(Environment.CurrentDirectory) ??
                                FuzzOptions.FindSpecDirectory(AppContext.BaseDirectory);
            if (specDirectory is null || !Uri.TryCreate(result.GetValue(url), UriKind.Absolute, out var baseUrl))
            {
                await errors.WriteLineAsync("homeserver-bench fuzz: give --url and run inside the repository or give --spec");
                return BenchCommandLine.ExitUsage;
            }

            var options = new FuzzOptions
            {
                BaseUrl = baseUrl,
                SpecDirectory = specDirectory,
                Requests = result.GetValue(requests),
                Seed = result.GetValue(seed),
                Concurrency = result.GetValue(concurrency),
                RequestTimeout = TimeSpan.FromSeconds(result.GetValue(timeout)),
            };
            try
            {
                var report = await FuzzRunner.RunAsync(options, errors, ct);
                await output.WriteAsync(report.Render());
                return report.Passed ? BenchCommandLine.ExitOk : BenchCommandLine.ExitFailure;
            }
            catch (Exception e) when (e is FuzzSetupException or HttpRequestException or IOException)
            {
                await errors.WriteLineAsync("homeserver-bench fuzz: " + e.Message);
                return BenchCommandLine.ExitUsage;
            }
        });
        return command;
    }
}
