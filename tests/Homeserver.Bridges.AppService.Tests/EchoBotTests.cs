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
            ["EchoBot:Database:ConnectionString"] = (await TestDatabases.NewAsync(DatabaseDialect.Postgres)).ConnectionString,
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
        var (registration, registrationFile) = await WriteRegistrationAsync(directory);
        await using var homeserver = await RecordingHomeserver.StartAsync(registration, "example.org");
        var listen = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var database = (await TestDatabases.NewAsync(DatabaseDialect.Postgres)).ConnectionString;
        await using var bot = await ServeAsync(homeserver, registrationFile, listen, new() { ["EchoBot__Database__ConnectionString"] = database });
        using var http = Client(listen, registration);
        await Eventually.HoldsAsync(() => Task.FromResult(homeserver.RequestsTo("/profile/").Count == 1), "the bot set its display name");

        await Put(http, "1", TestEvents.Transaction([TestEvents.Member("$inv", Bot, "invite")]));

        Assert.Equal("""{"displayname":"Echo bot"}""", homeserver.RequestsTo("/profile/").Single().JsonText);
        Assert.Equal($"/_matrix/client/v3/join/{Room}", Assert.Single(homeserver.RequestsTo("/join/")).Path);
    }

    [Fact]
    public async Task Serve_verb_without_a_connection_string_keeps_its_state_in_a_SQLite_file_across_a_crash()
    {
        using var directory = new TempDirectory();
        var (registration, registrationFile) = await WriteRegistrationAsync(directory);
        await using var homeserver = await RecordingHomeserver.StartAsync(registration, "example.org");
        var listen = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var dataDirectory = Path.Combine(directory.Path, "data");
        var environment = new Dictionary<string, string> { ["EchoBot__Database__ConnectionString"] = "", ["EchoBot__DataDirectory"] = dataDirectory };
        using var http = Client(listen, registration);
        var command = TestEvents.Transaction([TestEvents.Message("$cmd", "!echo hello")]);

        await using (await ServeAsync(homeserver, registrationFile, listen, environment))
        {
            await Put(http, "1", TestEvents.Transaction([TestEvents.Member("$inv", Bot, "invite")]));
            await Put(http, "2", command);
            await Eventually.HoldsAsync(() => Task.FromResult(homeserver.RequestsTo("/profile/").Count == 1), "the bot set its display name");
        }

        Assert.True(File.Exists(Path.Combine(dataDirectory, "echobot.db")));
        await using var restarted = await ServeAsync(homeserver, registrationFile, listen, environment);
        await Put(http, "2", command);
        await Put(http, "3", TestEvents.Transaction([TestEvents.Message("$cmd2", "!echo again")]));

        Assert.Equal(["hello", "again"], homeserver.RequestsTo("/send/").Select(r => (string?)r.Json!["body"]));
        Assert.Single(homeserver.RequestsTo("/join/"));
        Assert.Single(homeserver.RequestsTo("/profile/"));
    }

    private static async Task<(Registration.Registration Registration, string File)> WriteRegistrationAsync(TempDirectory directory)
    {
        var registration = RegistrationGenerator.Create("echo", null, "_echo_bot", "example.org", "_echo_");
        var file = Path.Combine(directory.Path, "echo.yaml");
        await File.WriteAllTextAsync(file, RegistrationYaml.Write(registration));
        return (registration, file);
    }

    private static HttpClient Client(Uri listen, Registration.Registration registration)
    {
        var http = new HttpClient { BaseAddress = listen };
        http.DefaultRequestHeaders.Authorization = new("Bearer", registration.HsToken);
        return http;
    }

    /// <summary>Runs <c>homeserver-echo-bot serve</c> until its listener answers. Disposing kills it.</summary>
    private static async Task<BotProcess> ServeAsync(RecordingHomeserver homeserver, string registrationFile, Uri listen,
        Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet", [typeof(EchoBot).Assembly.Location, "serve"])
        {
            RedirectStandardError = true,
            Environment =
            {
                ["EchoBot__Homeserver__Url"] = homeserver.Url.ToString(),
                ["EchoBot__Homeserver__ServerName"] = "example.org",
                ["EchoBot__Registration"] = registrationFile,
                ["EchoBot__Listen"] = listen.ToString(),
            },
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var bot = new BotProcess(Process.Start(start)!);
        try
        {
            using var probe = new HttpClient { BaseAddress = listen };
            await Eventually.HoldsAsync(async () => bot.Process.HasExited || await AnswersAsync(probe), "the bot listens",
                TimeSpan.FromSeconds(60));
            Assert.False(bot.Process.HasExited, bot.Errors);
            return bot;
        }
        catch
        {
            await bot.DisposeAsync();
            throw;
        }
    }

    private static async Task<bool> AnswersAsync(HttpClient probe)
    {
        try
        {
            using var response = await probe.GetAsync("/_matrix/app/v1/users/%40probe%3Aexample.org");
            return true;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private sealed class BotProcess : IAsyncDisposable
    {
        private readonly System.Text.StringBuilder _errors = new();

        public BotProcess(Process process)
        {
            Process = process;
            process.ErrorDataReceived += (_, e) =>
            {
                lock (_errors)
                {
                    _errors.AppendLine(e.Data);
                }
            };
            process.BeginErrorReadLine();
        }

        public Process Process { get; }

        public string Errors
        {
            get
            {
                lock (_errors)
                {
                    return _errors.ToString();
                }
            }
        }

        /// <summary>Kills the bot outright, as a crash would.</summary>
        public async ValueTask DisposeAsync()
        {
            Process.Kill(entireProcessTree: true);
            await Process.WaitForExitAsync();
            Process.Dispose();
        }
    }

    private static async Task Put(HttpClient http, string txnId, string body)
    {
        var response = await http.PutAsync($"/_matrix/app/v1/transactions/{txnId}", new StringContent(body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
