using System.CommandLine;
using Homeserver.Bridges.Discord;

// Settings: DiscordBridge__Discord__BotToken, DiscordBridge__Discord__ApiBaseUrl (environment), or the same keys in an
// optional JSON file (--config).
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

return await new RootCommand("The Discord bridge") { configFile, check }.Parse(args).InvokeAsync();

static IConfiguration Configuration(FileInfo? file)
{
    var builder = new ConfigurationBuilder();
    if (file is not null)
    {
        builder.AddJsonFile(file.FullName, optional: false);
    }

    return builder.AddEnvironmentVariables().Build();
}
