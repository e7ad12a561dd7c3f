using Microsoft.Extensions.Configuration;

namespace Homeserver.Bridges.AppService.Tests;

public sealed class SettingsTests
{
    private static readonly Dictionary<string, string?> Required = new()
    {
        ["MyBridge:Homeserver:Url"] = "http://127.0.0.1:8008",
        ["MyBridge:Homeserver:ServerName"] = "example.org",
        ["MyBridge:Registration"] = "my.yaml",
        ["MyBridge:Listen"] = "http://127.0.0.1:29330",
    };

    [Fact]
    public void Connection_string_means_Postgres()
    {
        var settings = Read(new() { ["MyBridge:Database:ConnectionString"] = "Host=/run/postgresql;Database=my" });

        Assert.Equal(DatabaseDialect.Postgres, settings.Database.Dialect);
        Assert.Equal("Host=/run/postgresql;Database=my", settings.Database.ConnectionString);
    }

    [Fact]
    public void Empty_connection_string_means_a_SQLite_file_named_after_the_bridge_in_DataDirectory()
    {
        var settings = Read(new() { ["MyBridge:Database:ConnectionString"] = "", ["MyBridge:DataDirectory"] = "/var/lib/my-bridge" });

        Assert.Equal(DatabaseDialect.Sqlite, settings.Database.Dialect);
        Assert.Equal("/var/lib/my-bridge", settings.DataDirectory);
        Assert.Equal("/var/lib/my-bridge/mybridge.db", settings.Database.SqliteFile);
    }

    [Fact]
    public void Without_database_settings_the_SQLite_file_lives_in_a_per_user_data_directory_named_after_the_bridge()
    {
        var settings = Read([], name: "my-bridge");

        Assert.Equal(DatabaseDialect.Sqlite, settings.Database.Dialect);
        var perUser = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        Assert.Equal(Path.Combine(perUser, "my-bridge", "my-bridge.db"), settings.Database.SqliteFile);
    }

    [Fact]
    public void Relative_DataDirectory_is_taken_from_the_working_directory()
    {
        var settings = Read(new() { ["MyBridge:DataDirectory"] = "data" });

        Assert.Equal(Path.Combine(Environment.CurrentDirectory, "data", "mybridge.db"), settings.Database.SqliteFile);
    }

    [Fact]
    public void Missing_keys_are_all_named()
    {
        var section = new ConfigurationBuilder().AddInMemoryCollection([]).Build().GetSection("MyBridge");

        var message = Assert.Throws<InvalidOperationException>(() => AppServiceSettings.Read(section)).Message;

        Assert.Contains("MyBridge:Homeserver:Url is required", message, StringComparison.Ordinal);
        Assert.Contains("MyBridge:Listen is required", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Database", message, StringComparison.Ordinal);
    }

    private static AppServiceSettings Read(Dictionary<string, string?> extra, string? name = null)
    {
        var values = new Dictionary<string, string?>(Required);
        foreach (var (key, value) in extra)
        {
            values[key] = value;
        }

        return AppServiceSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection("MyBridge"), name);
    }
}
