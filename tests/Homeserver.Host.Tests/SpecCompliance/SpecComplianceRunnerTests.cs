using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.SpecCompliance;

/// <summary>
/// spec-compliance/run.mjs against a fresh server of ours: every exchange of its client flows must match the spec's
/// OpenAPI definitions and event schemas, so a schema violation fails the build. And the check must be able to fail.
/// </summary>
public sealed class SpecComplianceRunnerTests
{
    [Fact]
    public async Task The_spec_compliance_runner_passes_against_a_fresh_server_with_zero_violations()
    {
        // Loopback IPv4 allowed so that the media flow's preview of a page it serves on 127.0.0.1 is judged.
        await using var server = await LiveServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Media:UrlPreview:AllowedRanges:0"] = "127.0.0.1/32",
        });
        var json = Path.Combine(Path.GetTempPath(), $"spec-compliance-{Guid.NewGuid():N}.json");
        try
        {
            var (exitCode, output) = await RunAsync("run.mjs", server.Instance.Addresses[0].ToString().TrimEnd('/'), "--json", json);

            Assert.True(exitCode == 0, output);
            Assert.Matches(@"\n\d+ passed, 0 failed", output);
            using var result = JsonDocument.Parse(await File.ReadAllTextAsync(json));
            Assert.True(result.RootElement.GetProperty("passed").GetInt32() > 100, output);
            var notImplemented = result.RootElement.GetProperty("notImplemented").EnumerateArray()
                .Select(n => n.GetProperty("endpoint").GetString()).ToList();
            Assert.DoesNotContain("POST /_matrix/media/v3/upload", notImplemented);
            Assert.DoesNotContain("GET /_matrix/client/v1/media/preview_url", notImplemented);
            Assert.DoesNotContain("GET /_matrix/media/v3/preview_url", notImplemented);
            Assert.Contains(result.RootElement.GetProperty("table").EnumerateArray()
                .SelectMany(area => area.GetProperty("endpoints").EnumerateArray()),
                endpoint => endpoint.GetProperty("endpoint").GetString() == "GET /_matrix/client/v1/media/preview_url" &&
                            endpoint.GetProperty("statuses").EnumerateArray().Any(s => s.GetInt32() == 200) &&
                            endpoint.GetProperty("violations").GetArrayLength() == 0);
        }
        finally
        {
            File.Delete(json);
        }
    }

    [Fact]
    public async Task The_schema_check_reports_a_wrong_body_with_endpoint_status_path_and_rule()
    {
        using var wrong = JsonDocument.Parse("""{"joined": {"@a:example.org": {"avatar_url": null}}}""");

        var violations = await SpecSchema.ViolationsAsync(HttpMethod.Get,
            "/_matrix/client/v3/rooms/!r:example.org/joined_members", HttpStatusCode.OK, wrong.RootElement);

        var violation = Assert.Single(violations);
        Assert.StartsWith("GET /_matrix/client/v3/rooms/{roomId}/joined_members -> 200: response body/joined/@a:example.org/avatar_url: must be string [type at api/client-server/rooms.yaml#", violation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_schema_check_reports_an_undeclared_status()
    {
        using var error = JsonDocument.Parse("""{"errcode": "M_UNKNOWN", "error": "boom"}""");

        var violations = await SpecSchema.ViolationsAsync(HttpMethod.Get, "/_matrix/client/v3/sync?since=s1",
            HttpStatusCode.InternalServerError, error.RootElement);

        Assert.Equal(["GET /_matrix/client/v3/sync -> 500: status 500 is not declared for this endpoint (declared: 200)"], violations);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(params string[] arguments)
    {
        Assert.True(Directory.Exists(Path.Combine(SpecSchema.Directory, "node_modules", "matrix-js-sdk")),
            $"spec-compliance's packages are not installed in {SpecSchema.Directory}: run `npm ci` there (scripts/test does)");
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = SpecSchema.Directory, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
