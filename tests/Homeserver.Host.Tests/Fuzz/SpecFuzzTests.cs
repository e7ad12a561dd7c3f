using System.Globalization;
using Homeserver.Fuzz.Running;
using Homeserver.Host.Tests.Support;
using Xunit.Abstractions;

namespace Homeserver.Host.Tests.Fuzz;

/// <summary>
/// The spec-driven fuzzer (bench/Homeserver.Fuzz) against a fresh server: 2,000 valid and mutated requests to
/// every endpoint the server implements, with real tokens and IDs. Any 5xx fails, and so does a /sync that no longer
/// answers 200 afterwards. The seed is fixed (override with HOMESERVER_FUZZ_SEED); the failure message has each 5xx's
/// request. Run alone with <c>--filter FullyQualifiedName~SpecFuzz</c>; the longer run is <c>homeserver-bench fuzz</c>.
/// </summary>
public sealed class SpecFuzzTests(ITestOutputHelper output)
{
    private const int DefaultSeed = 20261204;
    private const int Requests = 2000;

    [Fact]
    public async Task No_request_generated_from_the_spec_gets_a_5xx_and_sync_still_answers()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("HOMESERVER_FUZZ_SEED"), CultureInfo.InvariantCulture,
            out var chosen) ? chosen : DefaultSeed;
        // URL previews of generated URLs would resolve and fetch whatever host the fuzzer names: every URL is refused
        // by pattern before any DNS lookup, so the server makes no outbound request.
        await using var server = await LiveServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Media:UrlPreview:DeniedUrlPatterns:0"] = "*",
        });
        var options = new FuzzOptions
        {
            BaseUrl = server.Instance.Addresses[0],
            SpecDirectory = Path.Combine(SpecSchema.Directory, "matrix-spec"),
            Requests = Requests,
            Seed = seed,
            Concurrency = 4,
            RepairEvery = 1000,
            RequestTimeout = TimeSpan.FromSeconds(20),
        };

        using var progress = new StringWriter();
        var report = await FuzzRunner.RunAsync(options, progress, CancellationToken.None);
        var text = report.Render(maxFailures: 40);
        output.WriteLine(progress.ToString());
        output.WriteLine(text);

        Assert.True(report.Endpoints.Count > 50, $"too few endpoints covered:\n{text}");
        Assert.True(report.Passed, text);
    }
}
