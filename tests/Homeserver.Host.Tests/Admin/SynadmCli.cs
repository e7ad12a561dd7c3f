using System.Text.Json;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Admin;

/// <summary>
/// synadm (Debian's package), the admin CLI written for Synapse, pointed at a test server over loopback with an admin's
/// token: its config and its home (it writes a debug log under ~/.local/share) in a temporary directory, deleted on
/// dispose; runs in batch mode with JSON output, around any proxy.
/// </summary>
internal sealed class SynadmCli : IDisposable
{
    private const string Program = "/usr/bin/synadm";
    private readonly string _home = Directory.CreateTempSubdirectory("synadm-").FullName;
    private readonly string _config;

    public SynadmCli(LiveServer server, TestSession admin)
    {
        Assert.True(File.Exists(Program), "synadm is not installed (apt package synadm; scripts/test installs it)");
        _config = Path.Combine(_home, "synadm.yaml");
        File.WriteAllText(_config, $"""
            user: "{admin.UserId}"
            token: "{admin.AccessToken}"
            base_url: "{server.Instance.Addresses[0].ToString().TrimEnd('/')}"
            admin_path: /_synapse/admin
            matrix_path: /_matrix
            timeout: 30
            server_discovery: well-known
            homeserver: "{admin.UserId.Split(':', 2)[1]}"
            format: json
            """);
    }

    /// <summary>Runs synadm with <paramref name="arguments"/>, asserts success and returns the JSON it printed (the
    /// last JSON line when it printed other lines too).</summary>
    public async Task<JsonElement> RunAsync(params string[] arguments)
    {
        var outcome = await ToolProcess.RunAsync(Program, ["-c", _config, "--batch", "-o", "json", .. arguments],
            new Dictionary<string, string> { ["HOME"] = _home, ["NO_PROXY"] = "*", ["no_proxy"] = "*" });
        var what = $"synadm {string.Join(' ', arguments)}: {outcome.Output}\n{outcome.Errors}";
        Assert.True(outcome.ExitCode == 0, what);
        var output = outcome.Output.Trim();
        var json = IsJson(output)
            ? output
            : outcome.Output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith('{'));
        Assert.True(json is not null, "no JSON from " + what);
        return JsonDocument.Parse(json).RootElement.Clone();
    }

    public void Dispose() => Directory.Delete(_home, recursive: true);

    private static bool IsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
