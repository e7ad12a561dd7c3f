using System.Diagnostics;
using System.Text.Json;
using Homeserver.Host.Tests.Support;
using Homeserver.Testing;

namespace Homeserver.Host.Tests.Admin;

/// <summary><c>homeserver export-user</c>: the admin API's export from the command line, on the server's database.</summary>
public sealed class ExportUserCliTests
{
    [Fact]
    public async Task Export_user_writes_the_users_data_to_a_file_and_to_standard_output()
    {
        var database = await (await TestPostgres.SharedAsync()).CreateDatabaseAsync();
        string userId, roomId, messageId;
        await using (var server = await LiveServer.StartAsync(serverName: "test.local", connectionString: database))
        {
            var alice = await server.RegisterAsync("alice");
            userId = alice.UserId;
            roomId = await alice.CreateRoomAsync();
            messageId = await alice.SendTextAsync(roomId, "exported words");
        }

        var environment = new Dictionary<string, string>
        {
            ["Homeserver__Database__ConnectionString"] = database,
            ["Homeserver__ServerName"] = "test.local",
        };
        using var directory = new TempDirectory();
        var file = Path.Combine(directory.Path, "alice.json");

        var (exitCode, output) = await HomeserverProcess.RunAsync(["export-user", userId, "-o", file], environment);
        var stdout = await RunForStandardOutputAsync(["export-user", userId], environment);
        var remote = await HomeserverProcess.RunAsync(["export-user", "@bob:elsewhere.example"], environment);

        Assert.True(exitCode == 0, output);
        foreach (var text in new[] { await File.ReadAllTextAsync(file), stdout })
        {
            using var document = JsonDocument.Parse(text);
            var export = document.RootElement;
            Assert.Equal(userId, export.GetProperty("user_id").GetString());
            var message = export.GetProperty("rooms").GetProperty(roomId).GetProperty("events").EnumerateArray()
                .Single(e => e.GetProperty("event_id").GetString() == messageId);
            Assert.Equal("exported words", message.GetProperty("content").GetProperty("body").GetString());
        }

        Assert.NotEqual(0, remote.ExitCode);
        Assert.Contains("Can only look up local users", remote.Output, StringComparison.Ordinal);
    }

    // Standard output alone (HomeserverProcess merges it with standard error, where the logs go).
    private static async Task<string> RunForStandardOutputAsync(IEnumerable<string> arguments,
        Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "homeserver.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var key in start.Environment.Keys
                     .Where(k => k.StartsWith("Homeserver__", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, await stderr);
        return await stdout;
    }
}
