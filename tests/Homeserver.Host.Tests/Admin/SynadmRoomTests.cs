using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Admin;

/// <summary>synadm (Debian's package), a real client of Synapse's admin API, lists rooms and members here.</summary>
public sealed class SynadmRoomTests(LiveServerFixture fixture) : AdminApiTests(fixture), IDisposable
{
    private const string Synadm = "/usr/bin/synadm";

    private readonly string _home = Directory.CreateTempSubdirectory("synadm-rooms-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [Fact]
    public async Task Synadm_lists_rooms_and_a_room_s_members_as_json()
    {
        Assert.True(File.Exists(Synadm), "synadm is not installed (apt package synadm; scripts/test installs it)");
        var (admin, member) = await AdminAndUserAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var roomId = await admin.CreateRoomAsync(new JsonObject { ["name"] = $"synadm {tag}", ["preset"] = "public_chat" });
        await member.JoinAsync(roomId);
        var config = WriteConfig(admin);

        var list = await RunAsync(config, "room", "list", "--name", tag);
        var room = Assert.Single(list.GetProperty("rooms").EnumerateArray());
        Assert.Equal(roomId, room.GetProperty("room_id").GetString());
        Assert.Equal($"synadm {tag}", room.GetProperty("name").GetString());
        Assert.Equal(2, room.GetProperty("joined_members").GetInt32());
        Assert.Equal(1, list.GetProperty("total_rooms").GetInt32());

        var members = await RunAsync(config, "room", "members", roomId);
        Assert.Equal(new[] { admin.UserId, member.UserId }.Order(),
            members.GetProperty("members").EnumerateArray().Select(m => m.GetString()!).Order());
        Assert.Equal(2, members.GetProperty("total").GetInt32());
        await AdminAudit.AssertLastAsync(Server, roomId, admin.UserId, "GET", "/_synapse/admin/v1/rooms/{roomId}/members",
            200);
    }

    /// <summary>A synadm config for the test server over loopback with the admin's token.</summary>
    private string WriteConfig(TestSession admin)
    {
        var path = Path.Combine(_home, "synadm.yaml");
        var baseUrl = Server.Instance.Addresses[0].ToString().TrimEnd('/');
        File.WriteAllText(path, $"""
            user: "{admin.UserId}"
            token: "{admin.AccessToken}"
            base_url: "{baseUrl}"
            admin_path: /_synapse/admin
            matrix_path: /_matrix
            timeout: 30
            server_discovery: well-known
            homeserver: "{admin.UserId.Split(':', 2)[1]}"
            format: json
            """);
        return path;
    }

    /// <summary>Runs synadm in batch mode with JSON output and parses what it prints.</summary>
    private async Task<JsonElement> RunAsync(string config, params string[] arguments)
    {
        var start = new ProcessStartInfo(Synadm)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var argument in new[] { "--batch", "-o", "json", "-c", config }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["HOME"] = _home; // synadm writes its debug log under ~/.local/share
        start.Environment["NO_PROXY"] = "*";
        start.Environment.Remove("HTTP_PROXY");
        start.Environment.Remove("HTTPS_PROXY");
        start.Environment.Remove("http_proxy");
        start.Environment.Remove("https_proxy");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"synadm {string.Join(' ', arguments)} failed: {await stderr}");
        var output = await stdout;
        try
        {
            return JsonDocument.Parse(output).RootElement.Clone();
        }
        catch (JsonException)
        {
            Assert.Fail($"synadm printed no JSON: {output} {await stderr}");
            throw;
        }
    }
}
