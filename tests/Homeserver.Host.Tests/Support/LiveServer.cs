using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Hosting;
using Homeserver.Services.Configuration;
using Homeserver.Testing;
using Microsoft.Extensions.Configuration;

namespace Homeserver.Host.Tests.Support;

/// <summary>
/// A whole server in this process, over real HTTP on loopback and a fresh Postgres database: registration and guests
/// open, rate limits off, cheap password hashing. Users are made through the registration API.
/// </summary>
public sealed class LiveServer : IAsyncDisposable
{
    public const string Password = "correct horse battery staple";
    private static int _users;
    private readonly TempDirectory _data;
    private readonly List<HttpClient> _clients = [];

    private LiveServer(HomeserverInstance instance, TempDirectory data, string connectionString)
    {
        Instance = instance;
        _data = data;
        ConnectionString = connectionString;
        Anonymous = NewClient(null);
    }

    public HomeserverInstance Instance { get; }

    /// <summary>The database, for a second server on the same data.</summary>
    public string ConnectionString { get; }

    /// <summary>A client without an access token.</summary>
    public HttpClient Anonymous { get; }

    /// <param name="connectionString">An existing database (another server's); a fresh one when null.</param>
    /// <param name="settings">Settings under <c>Homeserver:</c> added to or replacing the defaults.</param>
    public static async Task<LiveServer> StartAsync(string? connectionString = null,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var data = new TempDirectory();
        connectionString ??= await (await TestPostgres.SharedAsync()).CreateDatabaseAsync();
        var values = new Dictionary<string, string?>
        {
            ["Homeserver:DataDirectory"] = data.Path,
            ["Homeserver:Database:ConnectionString"] = connectionString,
            ["Homeserver:Listen:Client"] = "http://127.0.0.1:0",
            ["Homeserver:Listen:Federation"] = "",
            ["Homeserver:Registration:Enabled"] = "true",
            ["Homeserver:Registration:AllowGuests"] = "true",
            ["Homeserver:RateLimits:Enabled"] = "false",
            ["Homeserver:Security:PasswordHashIterations"] = "1000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values["Homeserver:" + key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        try
        {
            var instance = await HomeserverInstance.StartAsync(SettingsReader.Read(configuration, data.Path),
                CancellationToken.None);
            return new LiveServer(instance, data, connectionString);
        }
        catch
        {
            data.Dispose();
            throw;
        }
    }

    /// <summary>A username no other test of this run uses.</summary>
    public static string UniqueUsername(string prefix = "user") =>
        $"{prefix}{Interlocked.Increment(ref _users)}_{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>Registers a user (password <see cref="Password"/>) and returns its first session.</summary>
    public async Task<TestSession> RegisterAsync(string? username = null, string? deviceDisplayName = null)
    {
        var body = new JsonObject
        {
            ["username"] = username ?? UniqueUsername(),
            ["password"] = Password,
            ["auth"] = new JsonObject { ["type"] = "m.login.dummy" },
        };
        if (deviceDisplayName is not null)
        {
            body["initial_device_display_name"] = deviceDisplayName;
        }

        return await SessionFromAsync(await Anonymous.PostAsJsonAsync("/_matrix/client/v3/register", body));
    }

    /// <summary>Registers a user, makes it a server admin in the database, and returns a session made after that.</summary>
    public async Task<TestSession> RegisterAdminAsync()
    {
        var user = await RegisterAsync();
        await using (var dataSource = Npgsql.NpgsqlDataSource.Create(ConnectionString))
        await using (var command = dataSource.CreateCommand("UPDATE users SET is_admin = true WHERE user_id = $1"))
        {
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = user.UserId });
            await command.ExecuteNonQueryAsync();
        }

        return await LoginAsync(user.UserId);
    }

    public async Task<TestSession> RegisterGuestAsync() =>
        await SessionFromAsync(await Anonymous.PostAsJsonAsync("/_matrix/client/v3/register?kind=guest",
            new JsonObject()));

    /// <summary>Logs the user in again: a new device with its own token.</summary>
    public async Task<TestSession> LoginAsync(string userId) =>
        await SessionFromAsync(await Anonymous.PostAsJsonAsync("/_matrix/client/v3/login", new JsonObject
        {
            ["type"] = "m.login.password",
            ["identifier"] = new JsonObject { ["type"] = "m.id.user", ["user"] = userId },
            ["password"] = Password,
        }));

    /// <summary>A client sending <paramref name="accessToken"/>.</summary>
    public HttpClient NewClient(string? accessToken)
    {
        var client = new HttpClient { BaseAddress = Instance.Addresses[0] };
        if (accessToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        _clients.Add(client);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        await Instance.DisposeAsync();
        _data.Dispose();
    }

    private async Task<TestSession> SessionFromAsync(HttpResponseMessage response)
    {
        var body = await MatrixAssert.OkAsync(response);
        var token = body.GetProperty("access_token").GetString()!;
        return new TestSession(body.GetProperty("user_id").GetString()!, body.GetProperty("device_id").GetString()!,
            token, NewClient(token));
    }
}

/// <summary>A logged-in device: its user, device ID, access token and a client that sends the token.</summary>
public sealed record TestSession(string UserId, string DeviceId, string AccessToken, HttpClient Client);

/// <summary>One <see cref="LiveServer"/> shared by the tests of a class.</summary>
public sealed class LiveServerFixture : IAsyncLifetime
{
    public LiveServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await LiveServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public static class MatrixAssert
{
    /// <summary>Asserts 200 and returns the JSON body.</summary>
    public static async Task<JsonElement> OkAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts the status and a standard error body with the given errcode; returns the body.</summary>
    public static async Task<JsonElement> ErrorAsync(HttpResponseMessage response, HttpStatusCode status,
        string errcode)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        var body = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal(errcode, body.GetProperty("errcode").GetString());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("error").GetString()));
        return body;
    }
}
