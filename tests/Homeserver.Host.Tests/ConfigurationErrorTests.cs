using Homeserver.Testing;

namespace Homeserver.Host.Tests;

/// <summary>Unknown or invalid settings stop the server at start with a message naming the key.</summary>
public sealed class ConfigurationErrorTests
{
    [Fact]
    public async Task An_invalid_value_in_the_environment_stops_the_server_naming_the_key()
    {
        using var data = new TempDirectory();

        var (exitCode, output) = await HomeserverProcess.RunAsync(["serve"], new Dictionary<string, string>
        {
            ["Homeserver__DataDirectory"] = data.Path,
            ["Homeserver__Registration__Enabled"] = "maybe",
        });

        Assert.Equal(2, exitCode);
        Assert.Contains("Homeserver:Registration:Enabled (env Homeserver__Registration__Enabled): 'maybe' is not true or false", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(data.Path, "postgres")), "nothing may start before the settings are valid");
    }

    [Fact]
    public async Task An_unknown_key_in_the_data_directory_settings_file_stops_the_server()
    {
        using var data = new TempDirectory();
        await File.WriteAllTextAsync(Path.Combine(data.Path, "appsettings.json"), """{"Homeserver": {"ServerNme": "example.org"}}""");

        var (exitCode, output) = await HomeserverProcess.RunAsync([], new Dictionary<string, string>
        {
            ["Homeserver__DataDirectory"] = data.Path,
        });

        Assert.Equal(2, exitCode);
        Assert.Contains("Homeserver:ServerNme (env Homeserver__ServerNme): unknown setting", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_settings_file_that_is_not_json_stops_the_server()
    {
        using var data = new TempDirectory();
        var file = Path.Combine(data.Path, "custom.json");
        await File.WriteAllTextAsync(file, "{ not json");

        var (exitCode, output) = await HomeserverProcess.RunAsync(["serve", "--config", file]);

        Assert.Equal(2, exitCode);
        Assert.Contains("custom.json: not valid JSON", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_config_file_stops_the_server()
    {
        var (exitCode, output) = await HomeserverProcess.RunAsync(["--config", "/no/such/settings.json"]);

        Assert.Equal(2, exitCode);
        Assert.Contains("--config: file '/no/such/settings.json' does not exist", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unrecognised_argument_stops_the_server()
    {
        var (exitCode, output) = await HomeserverProcess.RunAsync(["serv"]);

        Assert.Equal(2, exitCode);
        Assert.Contains("Unrecognised argument 'serv'", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Command_line_beats_environment_beats_the_json_file()
    {
        // Each source sets an invalid server name; the error shows which one won.
        using var data = new TempDirectory();
        var file = Path.Combine(data.Path, "settings.json");
        await File.WriteAllTextAsync(file, """{"Homeserver": {"ServerName": "from json!"}}""");
        var environment = new Dictionary<string, string> { ["Homeserver__ServerName"] = "from env!" };

        var jsonOnly = await HomeserverProcess.RunAsync(["--config", file]);
        var jsonAndEnvironment = await HomeserverProcess.RunAsync(["--config", file], environment);
        var all = await HomeserverProcess.RunAsync(["serve", "--config", file, "--Homeserver:ServerName", "from args!"], environment);

        Assert.Contains("'from json!'", jsonOnly.Output, StringComparison.Ordinal);
        Assert.Contains("'from env!'", jsonAndEnvironment.Output, StringComparison.Ordinal);
        Assert.Contains("'from args!'", all.Output, StringComparison.Ordinal);
    }
}
