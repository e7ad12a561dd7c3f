using System.Diagnostics;
using System.Globalization;
using Homeserver.Bridges.AppService.Registration;
using Homeserver.Bridges.Discord.Tests.StandIn;
using Homeserver.Testing;

namespace Homeserver.Bridges.Discord.Tests.Bridge;

/// <summary><c>homeserver-discord generate-registration</c> and <c>serve</c> run as the built program.</summary>
public sealed class BridgeVerbTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Generate_registration_writes_the_discord_namespaces_with_fresh_tokens()
    {
        using var files = new TempDirectory();
        var path = Path.Combine(files.Path, "discord.yaml");
        var environment = new Dictionary<string, string> { ["DiscordBridge__Homeserver__ServerName"] = "example.org" };

        var (first, _) = await RunAsync(["generate-registration", "-o", path], environment);
        var one = RegistrationYaml.Read(await File.ReadAllTextAsync(path));
        var (second, _) = await RunAsync(["generate-registration", "-o", path], environment);
        var two = RegistrationYaml.Read(await File.ReadAllTextAsync(path));

        Assert.Equal((0, 0), (first, second));
        Assert.Equal("_discord_bot", one.SenderLocalpart);
        Assert.True(one.IsInUserNamespace("@_discord_42:example.org"));
        Assert.True(one.IsInAliasNamespace("#_discord_42:example.org"));
        Assert.NotEqual(one.AsToken, two.AsToken);
        Assert.NotEqual(one.HsToken, two.HsToken);
    }

    [Fact]
    public async Task Generate_registration_without_a_server_name_says_so()
    {
        using var files = new TempDirectory();

        var (code, output) = await RunAsync(["generate-registration", "-o", Path.Combine(files.Path, "x.yaml")], new Dictionary<string, string>());

        Assert.Equal(2, code);
        Assert.Contains("DiscordBridge:Homeserver:ServerName is required", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_runs_the_appservice_listener_and_the_gateway_and_stops_cleanly_on_SIGTERM()
    {
        using var files = new TempDirectory();
        await using var discord = await DiscordStandIn.StartAsync();
        var registration = Path.Combine(files.Path, "discord.yaml");
        var port = FreePort.Next();
        await File.WriteAllTextAsync(registration,
            RegistrationYaml.Write(DiscordBridgeApp.NewRegistration("localhost", $"http://127.0.0.1:{port}")));
        var environment = new Dictionary<string, string>
        {
            // No homeserver runs here: the bridge starts anyway and says it could not set the bot's name yet.
            ["DiscordBridge__Homeserver__Url"] = $"http://127.0.0.1:{FreePort.Next()}",
            ["DiscordBridge__Homeserver__ServerName"] = "localhost",
            ["DiscordBridge__Registration"] = registration,
            ["DiscordBridge__Listen"] = $"http://127.0.0.1:{port}",
            ["DiscordBridge__Database__ConnectionString"] = await (await TestPostgres.SharedAsync()).CreateDatabaseAsync(),
            ["DiscordBridge__Discord__BotToken"] = DiscordStandIn.DefaultBotToken,
            ["DiscordBridge__Discord__ApiBaseUrl"] = discord.ApiBaseUrl.ToString(),
        };
        var output = new System.Text.StringBuilder();
        using var process = Start(["serve"], environment, output);
        try
        {
            await Eventually.HoldsAsync(() => Task.FromResult(discord.Gateway.Identifies >= 1 || process.HasExited),
                "the bridge identified on the gateway", Patience);
            Assert.False(process.HasExited, "serve exited early: " + Text(output));
            using var http = new HttpClient();
            using var answer = await http.PostAsync(new Uri($"http://127.0.0.1:{port}/_matrix/app/v1/ping"), new StringContent("{}"));
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, answer.StatusCode);

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var deadline = new CancellationTokenSource(Patience);
            await process.WaitForExitAsync(deadline.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            Assert.True(process.HasExited, "serve did not stop on SIGTERM: " + Text(output));
            Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}: {Text(output)}");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static string Text(System.Text.StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    private static Process Start(IEnumerable<string> arguments, IDictionary<string, string> environment, System.Text.StringBuilder output)
    {
        var process = Process.Start(StartInfo(arguments, environment))!;
        DataReceivedEventHandler append = (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        };
        process.OutputDataReceived += append;
        process.ErrorDataReceived += append;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(IEnumerable<string> arguments, IDictionary<string, string> environment)
    {
        using var process = Process.Start(StartInfo(arguments, environment))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(Patience);
        await process.WaitForExitAsync(deadline.Token);
        return (process.ExitCode, await output + await error);
    }

    /// <summary>The built homeserver-discord.dll with only the settings the test gives (none inherited).</summary>
    private static ProcessStartInfo StartInfo(IEnumerable<string> arguments, IDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "homeserver-discord.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("DiscordBridge__", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return start;
    }
}
