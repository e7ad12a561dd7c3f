using System.CommandLine;
using Homeserver.Bridges.AppService;
using Homeserver.Bridges.AppService.Client;
using Homeserver.Bridges.AppService.Example;
using Homeserver.Bridges.AppService.Registration;

// Settings: EchoBot__Homeserver__Url, EchoBot__Homeserver__ServerName, EchoBot__Registration, EchoBot__Listen,
// EchoBot__Database__ConnectionString (Postgres; empty: a SQLite file echobot.db in EchoBot__DataDirectory) (environment),
// or the same keys in an optional JSON file (--config).
var configFile = new Option<FileInfo?>("--config") { Description = "A JSON settings file", Recursive = true };
var output = new Option<FileInfo>("--output", "-o") { Description = "Where to write the registration", Required = true };
var generate = new Command("generate-registration", "Write an appservice registration YAML with fresh tokens") { output };
generate.SetAction(async (result, ct) =>
{
    var section = Configuration(result.GetValue(configFile)).GetSection(EchoBotApp.SettingsSection);
    var serverName = section["Homeserver:ServerName"];
    if (string.IsNullOrWhiteSpace(serverName))
    {
        await Console.Error.WriteLineAsync($"{EchoBotApp.SettingsSection}:Homeserver:ServerName is required");
        return 2;
    }

    var registration = RegistrationGenerator.Create("echo", section["Listen"] ?? "http://127.0.0.1:29333", "_echo_bot",
        serverName, userPrefix: "_echo_");
    await File.WriteAllTextAsync(result.GetValue(output)!.FullName, RegistrationYaml.Write(registration), ct);
    return 0;
});

var serve = new Command("serve", "Run the echo bot");
serve.SetAction(async (result, ct) =>
{
    AppServiceSettings settings;
    try
    {
        settings = AppServiceSettings.Read(Configuration(result.GetValue(configFile)).GetSection(EchoBotApp.SettingsSection));
    }
    catch (InvalidOperationException e)
    {
        await Console.Error.WriteLineAsync(e.Message);
        return 2;
    }

    await using var app = await EchoBotApp.StartAsync(settings, null, ct);
    try
    {
        await app.Services.GetRequiredService<Intents>().Bot.SetDisplayNameAsync(EchoBotApp.DisplayName, ct);
    }
    catch (Exception e) when (e is HttpRequestException or MatrixApiException)
    {
        await Console.Error.WriteLineAsync($"Could not set the bot's display name yet: {e.Message}");
    }

    await app.WaitForShutdownAsync(ct);
    return 0;
});

return await new RootCommand("An echo bot on the appservice SDK") { configFile, generate, serve }.Parse(args).InvokeAsync();

static IConfiguration Configuration(FileInfo? file)
{
    var builder = new ConfigurationBuilder();
    if (file is not null)
    {
        builder.AddJsonFile(file.FullName, optional: false);
    }

    return builder.AddEnvironmentVariables().Build();
}
