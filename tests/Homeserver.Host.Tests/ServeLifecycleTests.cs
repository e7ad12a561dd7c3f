using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Homeserver.Testing;
using Npgsql;

namespace Homeserver.Host.Tests;

/// <summary>The server as a new user runs it: no database configured, its own Postgres cluster in the data directory.</summary>
public sealed class ServeLifecycleTests
{
    [Fact]
    public async Task Serve_with_no_database_configured_answers_and_keeps_its_data_across_a_restart()
    {
        using var data = new TempDirectory();
        var environment = Environment(data.Path, "example.test");

        var (firstKey, firstCreatedAt) = await RunOnceAsync(data.Path, environment);
        Assert.False(await ClusterAnswersAsync(data.Path), "the local cluster stops with the server");
        var (secondKey, secondCreatedAt) = await RunOnceAsync(data.Path, environment);

        Assert.Equal(firstKey, secondKey);
        Assert.Equal(firstCreatedAt, secondCreatedAt);
        Assert.False(await ClusterAnswersAsync(data.Path));
    }

    [Fact]
    public async Task A_changed_server_name_on_existing_data_is_refused_and_the_cluster_stopped()
    {
        using var data = new TempDirectory();
        await RunOnceAsync(data.Path, Environment(data.Path, "first.test"));

        var (exitCode, output) = await HomeserverProcess.RunAsync(["serve"], Environment(data.Path, "second.test"));

        Assert.Equal(2, exitCode);
        Assert.Contains("Homeserver:ServerName (env Homeserver__ServerName): this database belongs to server 'first.test'", output, StringComparison.Ordinal);
        Assert.False(await ClusterAnswersAsync(data.Path));
    }

    // Port 0: the server binds a free port itself and names it in its "listening on" line. (A port picked free
    // beforehand can be taken by another test's listener or connection before the server, slow to start on a busy
    // machine, binds it; polling it could then even reach another test's server.)
    private static Dictionary<string, string> Environment(string dataDirectory, string serverName) => new()
    {
        ["Homeserver__DataDirectory"] = dataDirectory,
        ["Homeserver__ServerName"] = serverName,
        ["Homeserver__Listen__Client"] = "http://127.0.0.1:0",
        ["Homeserver__Listen__Federation"] = "https://127.0.0.1:0",
    };

    /// <summary>Starts the server, checks it answers on both listeners, reads what it stored, stops it with SIGTERM.</summary>
    private static async Task<(string SigningKey, DateTime CreatedAt)> RunOnceAsync(string dataDirectory,
        Dictionary<string, string> environment)
    {
        await using var server = HomeserverProcess.Start(["serve"], environment);
        var listening = await server.WaitForLineAsync(l => l.Contains(" listening on ", StringComparison.Ordinal),
            "the server listens", TimeSpan.FromSeconds(180));
        // A new admin is told how accounts get made while registration is closed (the default).
        await server.WaitForLineAsync(l => l.Contains("Registration is closed", StringComparison.Ordinal) &&
                                           l.Contains("./scripts/homeserver register-user", StringComparison.Ordinal),
            "the start log says how to create the first user", TimeSpan.FromSeconds(30));
        var urls = Regex.Matches(listening, @"https?://[^\s,]+").Select(m => new Uri(m.Value)).ToList();
        using var client = new HttpClient { BaseAddress = urls.Single(u => u.Scheme == Uri.UriSchemeHttp) };

        var versions = JsonDocument.Parse(await client.GetStringAsync("/_matrix/client/versions")).RootElement;
        Assert.Equal(JsonValueKind.Array, versions.GetProperty("versions").ValueKind);
        using var federation = new HttpClient(new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
        }) { BaseAddress = urls.Single(u => u.Scheme == Uri.UriSchemeHttps) };
        var unknown = await federation.GetAsync("/_matrix/federation/v1/nothing");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("\"ready\"", await client.GetStringAsync("/health/ready"), StringComparison.Ordinal);

        var createdAt = await QueryCreatedAtAsync(dataDirectory);
        var key = await File.ReadAllTextAsync(Path.Combine(dataDirectory, "signing.key"));

        var exitCode = await server.TerminateAsync();
        Assert.True(exitCode == 0, server.Output);
        return (key, createdAt);
    }

    private static NpgsqlConnection Connect(string dataDirectory) => new(new NpgsqlConnectionStringBuilder
    {
        Host = Path.Combine(dataDirectory, "postgres"),
        Username = "postgres",
        Database = "homeserver",
        Pooling = false,
        Timeout = 30, // a stopped cluster fails at once (no socket); a running one may be slow on a busy machine
    }.ConnectionString);

    private static async Task<DateTime> QueryCreatedAtAsync(string dataDirectory)
    {
        await using var connection = Connect(dataDirectory);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT created_at FROM server_metadata WHERE key = 'server_name'", connection);
        return (DateTime)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<bool> ClusterAnswersAsync(string dataDirectory)
    {
        try
        {
            await using var connection = Connect(dataDirectory);
            await connection.OpenAsync();
            return true;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }
}
