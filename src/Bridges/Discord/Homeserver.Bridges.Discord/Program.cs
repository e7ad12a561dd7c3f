using System.CommandLine;
using Homeserver.Bridges.AppService;
using Homeserver.Bridges.AppService.Registration;
using Homeserver.Bridges.Discord;

// Settings (environment, or the same keys in an optional JSON file, --config): DiscordBridge__Homeserver__Url,
// DiscordBridge__Homeserver__ServerName, DiscordBridge__Registration, DiscordBridge__Listen,
// DiscordBridge__Database__ConnectionString, DiscordBridge__Discord__BotToken, DiscordBridge__Discord__ApiBaseUrl,
// DiscordBridge__Discord__CdnBaseUrl.
var configFile = new Option<FileInfo?>("--config") { Description = "A JSON settings file", Recursive = true };
var check = new Command("check", "Log in to Discord as the bot and list the guilds and channels it can bridge");
check.SetAction(async (result, ct) =>
{
    DiscordSettings settings;
    try
    {
        settings = DiscordSettings.Read(Configuration(result.GetValue(configFile)));
    }
    catch (InvalidOperationException e)
    {
        await Console.Error.WriteLineAsync(e.Message);
        return 2;
    }

    using var http = new HttpClient();
    using var loggers = LoggerFactory.Create(logging => logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
    return await DiscordCheck.RunAsync(settings, http, Console.Out, TimeProvider.System, loggers, TimeSpan.FromSeconds(30), ct);
});

var output = new Option<FileInfo>("--output", "-o") { Description = "Where to write the registration", Required = true };
var generate = new Command("generate-registration", "Write an appservice registration YAML with fresh tokens") { output };
generate.SetAction(async (result, ct) =>
{
    var section = Configuration(result.GetValue(configFile)).GetSection(DiscordSettings.Section);
    var serverName = section["Homeserver:ServerName"];
    if (string.IsNullOrWhiteSpace(serverName))
    {
        await Console.Error.WriteLineAsync($"{DiscordSettings.Section}:Homeserver:ServerName is required");
        return 2;
    }

    var registration = DiscordBridgeApp.NewRegistration(serverName, section["Listen"] ?? "http://127.0.0.1:29330");
    await File.WriteAllTextAsync(result.GetValue(output)!.FullName, RegistrationYaml.Write(registration), ct);
    await Console.Out.WriteLineAsync($"Wrote {result.GetValue(output)!.FullName}; list it in Homeserver__AppServices__ConfigFiles__N");
    return 0;
});

var serve = new Command("serve", "Run the bridge: the appservice listener and Discord's gateway");
serve.SetAction(async (result, ct) =>
{
    AppServiceSettings settings;
    DiscordSettings discord;
    try
    {
        var configuration = Configuration(result.GetValue(configFile));
        settings = AppServiceSettings.Read(configuration.GetSection(DiscordSettings.Section));
        discord = DiscordSettings.Read(configuration);
    }
    catch (InvalidOperationException e)
    {
        await Console.Error.WriteLineAsync(e.Message);
        return 2;
    }

    await using var app = await DiscordBridgeApp.StartAsync(settings, discord, null, ct);
    if (!await DiscordBridgeApp.TrySetBotNameAsync(app, TimeSpan.FromSeconds(10), ct))
    {
        await Console.Error.WriteLineAsync("Could not set the bot's display name yet (is the homeserver up?)");
    }

    await app.WaitForShutdownAsync(ct);
    return Environment.ExitCode;
});

return await new RootCommand("The Discord bridge") { configFile, check, generate, serve }.Parse(args).InvokeAsync();

static IConfiguration Configuration(FileInfo? file)
{
    var builder = new ConfigurationBuilder();
    if (file is not null)
    {
        builder.AddJsonFile(file.FullName, optional: false);
    }

    return builder.AddEnvironmentVariables().Build();
}
