using System.Text.Json;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Admin;

/// <summary>
/// synadm (Debian's package), the admin CLI written for Synapse, pointed at our server over loopback with an admin's
/// token: it must list, create and deactivate users exactly as it does against Synapse.
/// </summary>
public sealed class SynadmTests(LiveServerFixture fixture) : AdminApiTests(fixture), IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("synadm").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task<string> ConfigAsync(TestSession admin)
    {
        var path = Path.Combine(_directory, "synadm.yaml");
        var baseUrl = Server.Instance.Addresses[0].ToString().TrimEnd('/');
        await File.WriteAllTextAsync(path, $"""
            user: "{admin.UserId}"
            token: "{admin.AccessToken}"
            base_url: "{baseUrl}"
            admin_path: /_synapse/admin
            matrix_path: /_matrix
            timeout: 30
            server_discovery: well-known
            homeserver: localhost
            format: json
            """);
        return path;
    }

    /// <summary>Runs synadm in batch mode with JSON output and returns the last JSON object it printed.</summary>
    private static async Task<JsonElement> SynadmAsync(string config, params string[] arguments)
    {
        var outcome = await ToolProcess.RunAsync("synadm", ["-c", config, "--batch", "-o", "json", .. arguments],
            new Dictionary<string, string> { ["NO_PROXY"] = "127.0.0.1,localhost", ["no_proxy"] = "127.0.0.1,localhost" });
        Assert.True(outcome.ExitCode == 0, $"synadm {string.Join(' ', arguments)}: {outcome.Output}\n{outcome.Errors}");
        var last = outcome.Output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith('{'));
        Assert.True(last is not null, $"no JSON from synadm {string.Join(' ', arguments)}: {outcome.Output}\n{outcome.Errors}");
        return JsonDocument.Parse(last).RootElement.Clone();
    }

    [Fact]
    public async Task Synadm_creates_lists_and_deactivates_users()
    {
        if (!File.Exists("/usr/bin/synadm"))
        {
            Assert.Fail("synadm is not installed: apt-get install synadm (scripts/test does)");
        }

        var admin = await Server.RegisterAdminAsync();
        var config = await ConfigAsync(admin);
        var tag = "sy" + Guid.NewGuid().ToString("N")[..8];
        var userId = $"@{tag}_made:localhost";

        var created = await SynadmAsync(config, "user", "modify", userId, "-P", "synadm password", "-n", "Made by synadm");
        Assert.Equal(userId, created.GetProperty("name").GetString());
        Assert.Equal("Made by synadm", created.GetProperty("displayname").GetString());
        await Server.LoginBodyAsync(userId, "synadm password");

        var listed = await SynadmAsync(config, "user", "list", "-n", tag);
        Assert.Equal(1, listed.GetProperty("total").GetInt32());
        Assert.Equal(userId, listed.GetProperty("users")[0].GetProperty("name").GetString());

        var deactivated = await SynadmAsync(config, "user", "deactivate", userId);
        Assert.Equal("success", deactivated.GetProperty("id_server_unbind_result").GetString());
        var after = await SynadmAsync(config, "user", "list", "-n", tag);
        Assert.Equal(0, after.GetProperty("total").GetInt32());
        var withDeactivated = await SynadmAsync(config, "user", "list", "-n", tag, "-d");
        Assert.True(withDeactivated.GetProperty("users")[0].GetProperty("deactivated").GetBoolean());
        await AdminAudit.AssertLastAsync(Server, userId, admin.UserId, "POST", "/_synapse/admin/v1/deactivate/{userId}", 200);
    }
}
