using System.Diagnostics;
using Homeserver.Testing;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Accounts;

/// <summary>matrix-js-sdk (Element's engine, from tests/js; scripts/test installs it) logs in to an account made by the CLI.</summary>
public sealed class MatrixJsSdkLoginTests
{
    [Fact]
    public async Task Matrix_js_sdk_logs_in_to_an_account_made_with_register_user_on_a_closed_server()
    {
        var database = await (await TestPostgres.SharedAsync()).CreateDatabaseAsync();
        var created = await HomeserverProcess.RunAsync(["register-user", "-u", "admin", "-p", "pw-admin", "--admin"],
            new Dictionary<string, string>
            {
                ["Homeserver__Database__ConnectionString"] = database,
                ["Homeserver__ServerName"] = "test.local",
            });
        Assert.True(created.ExitCode == 0, created.Output);
        await using var server = await LiveServer.StartAsync(serverName: "test.local", settings: new Dictionary<string, string?>
        {
            ["Homeserver:Registration:Enabled"] = "false",
        }, connectionString: database);

        var (exitCode, output) = await RunNodeAsync("login.mjs", server.Anonymous.BaseAddress!.ToString().TrimEnd('/'), "admin", "pw-admin");

        Assert.True(exitCode == 0, output);
        Assert.Contains("logged in as @admin:test.local", output, StringComparison.Ordinal);
        Assert.Contains("after logout: M_UNKNOWN_TOKEN", output, StringComparison.Ordinal);
    }

    internal static Task<(int ExitCode, string Output)> RunNodeAsync(string script, params string[] arguments) =>
        RunNodeAsync(script, TimeSpan.FromSeconds(60), arguments);

    internal static async Task<(int ExitCode, string Output)> RunNodeAsync(string script, TimeSpan timeLimit,
        params string[] arguments)
    {
        var directory = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../js"));
        Assert.True(Directory.Exists(Path.Combine(directory, "node_modules", "matrix-js-sdk")),
            $"matrix-js-sdk is not installed in {directory}: run `npm ci` there (scripts/test does)");
        var start = new ProcessStartInfo("node") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(timeLimit);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
