using System.CommandLine;
using Homeserver.Bridges.AppService.Client;
using Homeserver.Bridges.AppService.Registration;
using Homeserver.Bridges.Steam;

// Settings (environment, or the same keys in an optional JSON file, --config): SteamBridge__Homeserver__Url,
// SteamBridge__Homeserver__ServerName, SteamBridge__Registration, SteamBridge__Listen, SteamBridge__Steam__WebApiBaseUrl,
// SteamBridge__Steam__WebApiKey, SteamBridge__Steam__PollSeconds, SteamBridge__Database__ConnectionString.
var configFile = new Option<FileInfo?>("--config") { Description = "A JSON settings file", Recursive = true };
var output = new Option<FileInfo>("--output", "-o") { Description = "Where to write the registration", Required = true };
var generate = new Command("generate-registration", "Write an appservice registration YAML with fresh tokens") { output };
generate.SetAction(async (result, ct) =>
{
    var section = Configuration(result.GetValue(configFile)).GetSection(SteamBridgeSettings.Section);
    var serverName = section["Homeserver:ServerName"];
    if (string.IsNullOrWhiteSpace(serverName))
    {
        await Console.Error.WriteLineAsync($"{SteamBridgeSettings.Section}:Homeserver:ServerName is required");
        return 2;
    }

    var registration = SteamRegistration.Create(section["Listen"] ?? "http://127.0.0.1:29334", serverName);
    await File.WriteAllTextAsync(result.GetValue(output)!.FullName, RegistrationYaml.Write(registration), ct);
    return 0;
});

var serve = new Command("serve", "Run the Steam bridge");
serve.SetAction(async (result, ct) =>
{
    SteamBridgeSettings settings;
    try
    {
        settings = SteamBridgeSettings.Read(Configuration(result.GetValue(configFile)).GetSection(SteamBridgeSettings.Section));
    }
    catch (InvalidOperationException e)
    {
        await Console.Error.WriteLineAsync(e.Message);
        return 2;
    }

    await using var app = await SteamBridgeApp.StartAsync(settings, null, ct);
    try
    {
        await app.Services.GetRequiredService<Intents>().Bot.SetDisplayNameAsync(SteamBridgeApp.DisplayName, ct);
    }
    catch (Exception e) when (e is HttpRequestException or MatrixApiException)
    {
        await Console.Error.WriteLineAsync($"Could not set the bot's display name yet: {e.Message}");
    }

    await app.WaitForShutdownAsync(ct);
    return 0;
});

return await new RootCommand("The Steam bridge: profiles, presence and friends") { configFile, generate, serve }.Parse(args).InvokeAsync();

static IConfiguration Configuration(FileInfo? file)
{
    var builder = new ConfigurationBuilder();
    if (file is not null)
    {
        builder.AddJsonFile(file.FullName, optional: false);
    }

    return builder.AddEnvironmentVariables().Build();
}
