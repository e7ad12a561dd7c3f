using Homeserver.Services.Configuration;

namespace Homeserver.Host.Hosting;

/// <summary>
/// Builds the configuration in the documented order, later sources winning: a JSON file (the
/// <c>--config</c> file, or <c>appsettings.json</c> in the data directory when present), then
/// environment variables (<c>Homeserver__ServerName</c>), then command-line arguments
/// (<c>--Homeserver:ServerName=example.org</c>).
/// </summary>
public static class ConfigurationLoader
{
    public const string DataDirectoryFileName = "appsettings.json";

    public static IConfigurationRoot Load(string? configFile, IReadOnlyList<string> commandLineArguments,
        string workingDirectory)
    {
        ArgumentNullException.ThrowIfNull(commandLineArguments);
        var arguments = commandLineArguments.ToArray();
        CheckSettingArguments(arguments);

        string jsonPath;
        bool optional;
        if (configFile is not null)
        {
            jsonPath = Path.GetFullPath(configFile, workingDirectory);
            optional = false;
            if (!File.Exists(jsonPath))
            {
                throw new InvalidSettingException($"--config: file '{jsonPath}' does not exist");
            }
        }
        else
        {
            // The data directory may itself come from the environment or the command line.
            var early = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(arguments).Build();
            var dataDirectory = early[$"{SettingsReader.SectionName}:DataDirectory"] is { Length: > 0 } configured
                ? configured
                : SettingsReader.Defaults["DataDirectory"];
            jsonPath = Path.Combine(Path.GetFullPath(dataDirectory, workingDirectory), DataDirectoryFileName);
            optional = true;
        }

        try
        {
            return new ConfigurationBuilder()
                .AddJsonFile(jsonPath, optional, reloadOnChange: false)
                .AddEnvironmentVariables()
                .AddCommandLine(arguments)
                .Build();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidSettingException($"{jsonPath}: not valid JSON: {e.InnerException?.Message ?? e.Message}");
        }
        catch (FormatException e)
        {
            throw new InvalidSettingException($"{jsonPath}: {e.Message}");
        }
    }

    // Only settings may follow the command: "--Homeserver:Key=value", "--Homeserver:Key value" or
    // "Homeserver:Key=value" (and the same under Logging:). Anything else is a typo worth stopping for.
    private static void CheckSettingArguments(string[] arguments)
    {
        for (var i = 0; i < arguments.Length; i++)
        {
            var argument = arguments[i];
            var isSwitch = argument.StartsWith("--", StringComparison.Ordinal) || argument.StartsWith('/');
            var body = argument.TrimStart('-', '/');
            var equals = body.IndexOf('=', StringComparison.Ordinal);
            var key = equals >= 0 ? body[..equals] : body;
            var known = key.StartsWith(SettingsReader.SectionName + ":", StringComparison.OrdinalIgnoreCase) ||
                        key.StartsWith("Logging:", StringComparison.OrdinalIgnoreCase);
            if (!known || (!isSwitch && equals < 0) || (isSwitch && equals < 0 && i + 1 >= arguments.Length))
            {
                throw new InvalidSettingException(
                    $"Unrecognised argument '{argument}'. Settings on the command line look like " +
                    "--Homeserver:ServerName=example.org; run with --help for the commands.");
            }

            if (isSwitch && equals < 0)
            {
                i++;
            }
        }
    }
}
