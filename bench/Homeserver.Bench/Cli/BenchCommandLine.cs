using System.CommandLine;
using Homeserver.Bench.Client;
using Homeserver.Bench.Reporting;

namespace Homeserver.Bench.Cli;

/// <summary>
/// <c>homeserver-bench &lt;scenario|all&gt; --url URL [...]</c>: parses the options into <see cref="BenchOptions"/>,
/// runs <see cref="BenchRunner"/>, prints the table.
/// </summary>
public static class BenchCommandLine
{
    public const int ExitOk = 0;
    public const int ExitFailure = 1;
    public const int ExitUsage = 2;

    public static RootCommand Build(TextWriter output, TextWriter errors)
    {
        var scenario = new Argument<string>("scenario")
        {
            Description = "One of " + string.Join(", ", NamedOnly.Prepend("all").Concat(BenchOptions.AllScenarios)) +
                          "; all is every one but " + string.Join(", ", NamedOnly) + " (" +
                          string.Join(", ", BenchOptions.FederationScenarios) + " need --remote-url)",
        };
        var url = new Option<string>("--url") { Description = "The homeserver's client API base URL", Required = true };
        url.Validators.Add(result => ValidateUrl(result, "--url"));
        var remoteUrl = new Option<string?>("--remote-url")
        {
            Description = "fed-latency: the client API base URL of a second homeserver federating with the first",
        };
        remoteUrl.Validators.Add(result => ValidateUrl(result, "--remote-url"));
        var registrationToken = new Option<string?>("--registration-token")
        {
            Description = "Complete the m.login.registration_token stage with this token",
        };
        var sharedSecret = new Option<string?>("--shared-secret")
        {
            Description = "Synapse's registration_shared_secret: make users through /_synapse/admin/v1/register",
        };
        var pid = new Option<int?>("--pid") { Description = "The server's process ID: report its RSS and CPU (Linux)" };
        var postgres = new Option<string?>("--postgres")
        {
            Description = "Npgsql connection string of the server's Postgres: run the insert-and-commit baseline",
        };
        var json = new Option<FileInfo?>("--json") { Description = "Write the results as JSON to this file" };
        var html = new Option<FileInfo?>("--html") { Description = "Write an HTML report with SVG charts to this file" };
        var size = new Option<string>("--size")
        {
            Description = "Size preset: tiny, small or full (the issue's sizes)",
            DefaultValueFactory = _ => "small",
        };
        size.AcceptOnlyFromAmong("tiny", "small", "full");
        var noHttpBaseline = new Option<bool>("--no-http-baseline") { Description = "Skip the bare Kestrel baseline" };
        var sizes = new SizeOptions();

        var root = new RootCommand("Load generator for Matrix homeserveres (Client-Server API only); `homeserver-bench fuzz --help` for the fuzzer")
        {
            scenario, url, remoteUrl, registrationToken, sharedSecret, pid, postgres, json, html, size, noHttpBaseline,
        };
        sizes.AddTo(root);
        root.SetAction(async (result, ct) =>
        {
            var name = result.GetValue(scenario)!;
            if (name != "all" && !BenchOptions.AllScenarios.Contains(name) && !NamedOnly.Contains(name))
            {
                await errors.WriteLineAsync($"homeserver-bench: unknown scenario '{name}'");
                return ExitUsage;
            }

            if (BenchOptions.FederationScenarios.Contains(name) && result.GetValue(remoteUrl) is null)
            {
                await errors.WriteLineAsync($"homeserver-bench: {name} needs --remote-url");
                return ExitUsage;
            }

            var sizeName = result.GetValue(size)!;
            var options = new BenchOptions
            {
                BaseUrl = new Uri(result.GetValue(url)!),
                RemoteUrl = result.GetValue(remoteUrl) is { } remote ? new Uri(remote) : null,
                Scenarios = name == "all" ? BenchOptions.AllScenarios : [name],
                RegistrationToken = result.GetValue(registrationToken),
                SharedSecret = result.GetValue(sharedSecret),
                ServerPid = result.GetValue(pid),
                PostgresConnectionString = result.GetValue(postgres),
                JsonOutput = result.GetValue(json),
                HtmlOutput = result.GetValue(html),
                Sizes = sizes.Apply(result, BenchSizes.Named(sizeName)!),
                SizeName = sizeName,
                HttpBaseline = !result.GetValue(noHttpBaseline),
            };
            return await RunAsync(options, output, errors, ct);
        });
        return root;
    }

    private static IEnumerable<string> NamedOnly =>
        BenchOptions.AttackScenarios.Concat(BenchOptions.FederationScenarios).Concat(BenchOptions.GuestScenarios);

    private static void ValidateUrl(System.CommandLine.Parsing.OptionResult result, string name)
    {
        if (result.GetValueOrDefault<string?>() is { } value &&
            (!Uri.TryCreate(value, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https")))
        {
            result.AddError($"{name} must be an absolute http:// or https:// URL");
        }
    }

    private static async Task<int> RunAsync(BenchOptions options, TextWriter output, TextWriter errors,
        CancellationToken cancellationToken)
    {
        try
        {
            var report = await BenchRunner.RunAsync(options, errors, cancellationToken);
            await output.WriteLineAsync();
            await output.WriteAsync(TableReport.Render(report));
            return report.Failures.Count == 0 ? ExitOk : ExitFailure;
        }
        catch (Exception e) when (e is BenchSetupException or HttpRequestException or IOException)
        {
            await errors.WriteLineAsync("homeserver-bench: " + e.Message);
            return ExitFailure;
        }
    }
}
