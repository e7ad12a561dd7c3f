using Homeserver.Testing;
using Npgsql;

namespace Homeserver.Host.Tests.Docker;

/// <summary>docker/docker-entrypoint.sh, run with sh in front of a fake server: the settings it hands the server.</summary>
public sealed class EntrypointTests
{
    private static readonly Dictionary<string, string> Compose = new()
    {
        ["SERVER_NAME"] = "example.org",
        ["POSTGRES_HOST"] = "postgres",
        ["POSTGRES_USER"] = "homeserver",
        ["POSTGRES_PASSWORD"] = "secret",
        ["POSTGRES_DB"] = "homeserver",
        ["REDIS_HOST"] = "redis",
    };

    [Fact]
    public async Task Postgres_variables_become_a_connection_string_the_server_reads()
    {
        var password = "pa;ss\"word' =x";
        var run = await DockerFiles.RunEntrypointAsync(With(Compose, ("POSTGRES_PASSWORD", password),
            ("POSTGRES_PORT", "6543")));

        Assert.True(run.ServerStarted, run.Errors);
        var (settings, errors) = run.ReadSettings();
        Assert.Empty(errors);
        var connection = new NpgsqlConnectionStringBuilder(settings!.Database.ConnectionString);
        Assert.Equal(("postgres", 6543, "homeserver", "homeserver", password),
            (connection.Host, connection.Port, connection.Database, connection.Username, connection.Password));
        Assert.Equal("example.org", settings.ServerName.Value);
    }

    [Fact]
    public async Task Password_file_is_read_for_the_connection_string()
    {
        using var directory = new TempDirectory();
        var file = Path.Combine(directory.Path, "password");
        await File.WriteAllTextAsync(file, "from-a-secret\n");
        var environment = With(Compose, ("POSTGRES_PASSWORD_FILE", file));
        environment.Remove("POSTGRES_PASSWORD");

        var run = await DockerFiles.RunEntrypointAsync(environment);

        Assert.True(run.ServerStarted, run.Errors);
        var connection = new NpgsqlConnectionStringBuilder(run.Environment["Homeserver__Database__ConnectionString"]);
        Assert.Equal("from-a-secret", connection.Password);
    }

    [Fact]
    public async Task Without_a_database_the_server_is_not_started()
    {
        var environment = new Dictionary<string, string>(Compose);
        environment.Remove("POSTGRES_HOST");

        var run = await DockerFiles.RunEntrypointAsync(environment);

        Assert.Equal(2, run.ExitCode);
        Assert.False(run.ServerStarted);
        Assert.Contains("set POSTGRES_HOST", run.Errors, StringComparison.Ordinal);
        Assert.Contains("Homeserver__Database__ConnectionString", run.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Homeserver_variables_win_over_the_short_names()
    {
        var run = await DockerFiles.RunEntrypointAsync(With(Compose,
            ("Homeserver__ServerName", "chosen.example"),
            ("Homeserver__Database__ConnectionString", "Host=db.internal;Username=u"),
            ("Homeserver__Redis__Configuration", "cache:6380"),
            ("Homeserver__Listen__Client", "http://0.0.0.0:9000")));

        Assert.True(run.ServerStarted, run.Errors);
        var (settings, errors) = run.ReadSettings();
        Assert.Empty(errors);
        Assert.Equal("chosen.example", settings!.ServerName.Value);
        Assert.Equal("Host=db.internal;Username=u", settings.Database.ConnectionString);
        Assert.Equal("cache:6380", settings.Redis.Configuration);
        Assert.Equal(new Uri("http://0.0.0.0:9000"), settings.Listen.Client);
    }

    [Fact]
    public async Task Listeners_take_connections_from_outside_the_container()
    {
        var run = await DockerFiles.RunEntrypointAsync(Compose);

        var (settings, errors) = run.ReadSettings();
        Assert.Empty(errors);
        Assert.Equal(new Uri("http://0.0.0.0:8008"), settings!.Listen.Client);
        Assert.Equal(new Uri("https://0.0.0.0:8448"), settings.Listen.Federation);
    }

    [Fact]
    public async Task An_empty_federation_listener_stays_disabled()
    {
        var run = await DockerFiles.RunEntrypointAsync(With(Compose, ("Homeserver__Listen__Federation", "")));

        var (settings, errors) = run.ReadSettings();
        Assert.Empty(errors);
        Assert.Null(settings!.Listen.Federation);
    }

    [Fact]
    public async Task Redis_is_configured_only_when_named()
    {
        var withPassword = await DockerFiles.RunEntrypointAsync(With(Compose, ("REDIS_PASSWORD", "r3dis"),
            ("REDIS_PORT", "6390")));
        var environment = new Dictionary<string, string>(Compose);
        environment.Remove("REDIS_HOST");
        var without = await DockerFiles.RunEntrypointAsync(environment);

        Assert.Equal("redis:6390,password=r3dis", withPassword.ReadSettings().Settings!.Redis.Configuration);
        Assert.False(without.Environment.ContainsKey("Homeserver__Redis__Configuration"));
        Assert.False(without.ReadSettings().Settings!.Redis.Enabled);
    }

    [Fact]
    public async Task Short_names_set_their_settings()
    {
        var run = await DockerFiles.RunEntrypointAsync(With(Compose,
            ("PUBLIC_BASEURL", "https://matrix.example.org/"),
            ("SIGNING_KEY_FILE", "/run/secrets/signing.key"),
            ("ENABLE_REGISTRATION", "true"),
            ("LOG_FORMAT", "json"),
            ("LOG_LEVEL", "warning")));

        var (settings, errors) = run.ReadSettings();
        Assert.Empty(errors);
        Assert.Equal(new Uri("https://matrix.example.org/"), settings!.WellKnown.ClientBaseUrl);
        Assert.Equal("/run/secrets/signing.key", settings.SigningKeyPath);
        Assert.True(settings.Registration.Enabled);
        Assert.Equal(Services.Configuration.LogFormat.Json, settings.LogFormat);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, settings.LogLevel);
    }

    [Fact]
    public async Task Arguments_reach_the_server_unchanged()
    {
        var run = await DockerFiles.RunEntrypointAsync(Compose, "migrate", "--Homeserver:Logging:Level=debug",
            "two words", "$HOME");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["migrate", "--Homeserver:Logging:Level=debug", "two words", "$HOME"], run.Arguments);
    }

    private static Dictionary<string, string> With(IReadOnlyDictionary<string, string> environment,
        params (string Name, string Value)[] changes)
    {
        var result = new Dictionary<string, string>(environment);
        foreach (var (name, value) in changes)
        {
            result[name] = value;
        }

        return result;
    }
}
