using System.Diagnostics;
using System.Net;
using Homeserver.Bridges.AppService.Example;
using Homeserver.Bridges.AppService.Registration;
using Homeserver.Bridges.AppService.Tests.Support;
using Homeserver.Testing;
using Microsoft.Extensions.Configuration;

namespace Homeserver.Bridges.AppService.Tests;

public sealed class EchoBotTests
{
    private const string Room = "!room:example.org";
    private const string Bot = "@_echo_bot:example.org";

    [Fact]
    public async Task Echo_bot_joins_when_invited_and_answers_echo_with_a_reply_once()
    {
        using var directory = new TempDirectory();
        var registration = RegistrationGenerator.Create("echo", null, "_echo_bot", "example.org", "_echo_");
        var registrationFile = Path.Combine(directory.Path, "echo.yaml");
        await File.WriteAllTextAsync(registrationFile, RegistrationYaml.Write(registration));
        await using var homeserver = await RecordingHomeserver.StartAsync(registration, "example.org");
        var listen = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var settings = AppServiceSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["EchoBot:Homeserver:Url"] = homeserver.Url.ToString(),
            ["EchoBot:Homeserver:ServerName"] = "example.org",
            ["EchoBot:Registration"] = registrationFile,
            ["EchoBot:Listen"] = listen.ToString(),
            ["EchoBot:Database:ConnectionString"] = await TransactionEndpointTests.NewDatabaseAsync(),
        }).Build().GetSection(EchoBotApp.SettingsSection));
        await using var app = await EchoBotApp.StartAsync(settings, null, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = listen };
        http.DefaultRequestHeaders.Authorization = new("Bearer", registration.HsToken);
        var command = TestEvents.Message("$cmd", "!echo hello there");

        await Put(http, "1", TestEvents.Transaction([TestEvents.Member("$inv", Bot, "invite")]));
        await Put(http, "2", TestEvents.Transaction([command, TestEvents.Message("$chat", "just chatting")]));
        await Put(http, "3", TestEvents.Transaction([command]));

        var join = Assert.Single(homeserver.RequestsTo("/join/"));
        Assert.Equal($"/_matrix/client/v3/join/{Room}", join.Path);
        Assert.Null(join.UserIdParam);
        var sends = homeserver.RequestsTo("/send/");
        Assert.Equal(2, sends.Count);
        Assert.Equal(sends[0].Path, sends[1].Path);
        Assert.Null(sends[0].UserIdParam);
        Assert.Equal("""{"msgtype":"m.notice","body":"hello there","m.relates_to":{"m.in_reply_to":{"event_id":"$cmd"}}}""",
            sends[0].JsonText);
    }

    [Fact]
    public async Task Generate_registration_verb_writes_a_registration_with_fresh_tokens()
    {
        using var directory = new TempDirectory();
        var file = Path.Combine(directory.Path, "echo.yaml");
        var start = new ProcessStartInfo("dotnet", [typeof(EchoBot).Assembly.Location, "generate-registration", "-o", file])
        {
            RedirectStandardError = true,
            Environment = { ["EchoBot__Homeserver__ServerName"] = "example.org", ["EchoBot__Listen"] = "http://127.0.0.1:29333" },
        };

        using var process = Process.Start(start)!;
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, errors);
        var registration = RegistrationYaml.Read(await File.ReadAllTextAsync(file));
        Assert.Equal("_echo_bot", registration.SenderLocalpart);
        Assert.Equal("http://127.0.0.1:29333", registration.Url);
        Assert.False(registration.RateLimited);
        Assert.True(registration.IsInUserNamespace("@_echo_someone:example.org"));
    }

    [Fact]
    public async Task Serve_verb_runs_from_environment_settings_sets_the_bot_name_and_joins_on_invite()
    {
        using var directory = new TempDirectory();
        var registration = RegistrationGenerator.Create("echo", null, "_echo_bot", "example.org", "_echo_");
        var registrationFile = Path.Combine(directory.Path, "echo.yaml");
        await File.WriteAllTextAsync(registrationFile, RegistrationYaml.Write(registration));
        await using var homeserver = await RecordingHomeserver.StartAsync(registration, "example.org");
        var listen = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var start = new ProcessStartInfo("dotnet", [typeof(EchoBot).Assembly.Location, "serve"])
        {
            RedirectStandardError = true,
            Environment =
            {
                ["EchoBot__Homeserver__Url"] = homeserver.Url.ToString(),
                ["EchoBot__Homeserver__ServerName"] = "example.org",
                ["EchoBot__Registration"] = registrationFile,
                ["EchoBot__Listen"] = listen.ToString(),
                ["EchoBot__Database__ConnectionString"] = await TransactionEndpointTests.NewDatabaseAsync(),
            },
        };
        using var process = Process.Start(start)!;
        var errors = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = listen };
            http.DefaultRequestHeaders.Authorization = new("Bearer", registration.HsToken);
            // The bot sets its display name once it serves: the stand-in seeing that is the signal it is up.
            await Eventually.HoldsAsync(() => Task.FromResult(homeserver.RequestsTo("/profile/").Count == 1 || process.HasExited),
                "the bot set its display name", TimeSpan.FromSeconds(60));
            Assert.False(process.HasExited, errors.ToString());

            await Put(http, "1", TestEvents.Transaction([TestEvents.Member("$inv", Bot, "invite")]));

            Assert.Equal("""{"displayname":"Echo bot"}""", homeserver.RequestsTo("/profile/").Single().JsonText);
            Assert.Equal($"/_matrix/client/v3/join/{Room}", Assert.Single(homeserver.RequestsTo("/join/")).Path);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static async Task Put(HttpClient http, string txnId, string body)
    {
        var response = await http.PutAsync($"/_matrix/app/v1/transactions/{txnId}", new StringContent(body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
