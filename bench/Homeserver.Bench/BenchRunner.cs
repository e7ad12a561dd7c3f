using System.Security.Cryptography;
using Homeserver.Bench.Baselines;
using Homeserver.Bench.Client;
using Homeserver.Bench.Measurement;
using Homeserver.Bench.Reporting;
using Homeserver.Bench.Scenarios;

namespace Homeserver.Bench;

/// <summary>The library entry: runs the selected scenarios against a server and writes the reports asked for.</summary>
public static class BenchRunner
{
    private static readonly IReadOnlyList<IScenario> Scenarios =
    [
        new SendSequentialScenario(), new SendConcurrentScenario(), new SyncFanoutScenario(), new InitialSyncScenario(),
        new MessagesScenario(), new JoinStormScenario(), new IdleConnectionsScenario(), new PasswordGuessScenario(),
        new MediaScenario(), new FederationLatencyScenario(), new LiveGuestsScenario(),
    ];

    /// <summary>Runs <see cref="BenchOptions.Scenarios"/> in order; progress goes to <paramref name="progress"/>.</summary>
    /// <exception cref="ArgumentException">A scenario name is unknown.</exception>
    public static async Task<BenchReport> RunAsync(BenchOptions options, TextWriter progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var selected = options.Scenarios.Select(name => Scenarios.FirstOrDefault(s => s.Name == name)
                                                        ?? throw new ArgumentException($"unknown scenario '{name}'"))
            .ToList();
        var startedAt = DateTimeOffset.UtcNow;
        var prefix = "bench" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        using var http = new MatrixHttp(options.BaseUrl);
        var api = new MatrixApi(http);
        var server = options.ServerPid is { } pid ? new ServerProcess(pid) : null;
        await using var baselines = new BaselineSet(options.HttpBaseline, options.PostgresConnectionString, progress);
        using var remoteHttp = options.RemoteUrl is { } remoteUrl ? new MatrixHttp(remoteUrl) : null;
        var context = new BenchContext(options, api, new Registrar(api, prefix, options.RegistrationToken,
            options.SharedSecret), server, baselines, progress)
        {
            Remote = remoteHttp is null ? null : RemoteServer.From(remoteHttp, prefix, options),
        };
        await progress.WriteLineAsync($"homeserver-bench against {options.BaseUrl}, users named {prefix}_*, " +
                                      $"{Environment.ProcessorCount} cores");

        var results = new List<ScenarioResult>();
        var failures = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var scenario in selected)
        {
            try
            {
                results.AddRange(await scenario.RunAsync(context, cancellationToken));
            }
            catch (Exception e) when (e is BenchSetupException or HttpRequestException or Npgsql.NpgsqlException
                                          or InvalidOperationException)
            {
                failures[scenario.Name] = e.Message;
                await progress.WriteLineAsync($"[{scenario.Name}] FAILED: {e.Message}");
            }
        }

        var report = new BenchReport
        {
            BaseUrl = options.BaseUrl.ToString(),
            RunPrefix = prefix,
            StartedAt = startedAt,
            ProcessorCount = Environment.ProcessorCount,
            SizePreset = options.SizeName,
            Sizes = options.Sizes,
            Results = results,
            ServerRssAtEndBytes = server?.RssBytes(),
            Failures = failures,
        };
        if (options.JsonOutput is { } json)
        {
            await JsonReport.WriteAsync(report, json.FullName, cancellationToken);
        }

        if (options.HtmlOutput is { } html)
        {
            await File.WriteAllTextAsync(html.FullName, HtmlReport.Render(report), cancellationToken);
        }

        return report;
    }
}
