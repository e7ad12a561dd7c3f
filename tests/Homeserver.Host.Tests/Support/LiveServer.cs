using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Hosting;
using Homeserver.Services.Configuration;
using Homeserver.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Support;

/// <summary>
/// A whole server in this process, over real HTTP on loopback and a fresh Postgres database (or a given one, to run two
/// servers on one database): registration and guests open, rate limits off, cheap password hashing, unless a test says
/// otherwise. Users are made through the registration API.
/// </summary>
public sealed class LiveServer : IAsyncDisposable
{
    public const string Password = "correct horse battery staple";
    private const string Prefix = "Homeserver:";
    private static int _users;
    private readonly TempDirectory? _ownedData;
    private readonly List<HttpClient> _clients = [];

    private LiveServer(HomeserverInstance instance, TempDirectory? ownedData, string connectionString)
    {
        Instance = instance;
        _ownedData = ownedData;
        ConnectionString = connectionString;
        Anonymous = NewClient(null);
    }

    public HomeserverInstance Instance { get; }

    /// <summary>The database, for a second server on the same data.</summary>
    public string ConnectionString { get; }

    /// <summary>A client without an access token.</summary>
    public HttpClient Anonymous { get; }

    /// <param name="connectionString">An existing database (another server's); a fresh one when null.</param>
    /// <param name="settings">
    /// Settings added to or replacing the defaults: full keys (<c>Homeserver:Registration:Enabled</c>) or keys under
    /// <c>Homeserver:</c> (<c>Registration:Enabled</c>).
    /// </param>
    /// <param name="services">Changes to the server's services, e.g. a clock the test controls.</param>
    /// <param name="serverName">The server name; the default (<c>localhost</c>) when null.</param>
    /// <param name="dataDirectory">An existing data directory (signing key, media) the caller keeps, to start a
    /// server again as it was; a fresh one, deleted on dispose, when null.</param>
    public static async Task<LiveServer> StartAsync(string? connectionString = null,
        IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null,
        string? serverName = null, string? dataDirectory = null)
    {
        var ownedData = dataDirectory is null ? new TempDirectory() : null;
        var dataPath = dataDirectory ?? ownedData!.Path;
        connectionString ??= await (await TestPostgres.SharedAsync()).CreateDatabaseAsync();
        var values = new Dictionary<string, string?>
        {
            ["Homeserver:DataDirectory"] = dataPath,
            ["Homeserver:Database:ConnectionString"] = connectionString,
            ["Homeserver:Listen:Client"] = "http://127.0.0.1:0",
            ["Homeserver:Listen:Federation"] = "",
            ["Homeserver:Registration:Enabled"] = "true",
            ["Homeserver:Registration:AllowGuests"] = "true",
            ["Homeserver:RateLimits:Enabled"] = "false",
            ["Homeserver:Security:PasswordHashIterations"] = "1000",
        };
        if (serverName is not null)
        {
            values["Homeserver:ServerName"] = serverName;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key.StartsWith(Prefix, StringComparison.Ordinal) ? key : Prefix + key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        try
        {
            var instance = await HomeserverInstance.StartAsync(SettingsReader.Read(configuration, dataPath),
                CancellationToken.None, collection =>
                {
                    NoNetworkDiscovery.Register(collection);
                    services?.Invoke(collection);
                });
            return new LiveServer(instance, ownedData, connectionString);
        }
        catch
        {
            ownedData?.Dispose();
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

        return SessionFrom(await MatrixAssert.OkAsync(
            await Anonymous.PostAsJsonAsync("/_matrix/client/v3/register", body)));
    }

    /// <summary>
    /// Registers through the dummy stage of a started UIA session, with <paramref name="extra"/> fields in the request,
    /// asserts success and returns the response body (user_id, access_token, device_id...).
    /// </summary>
    public async Task<JsonElement> RegisterBodyAsync(string username, string password = Password,
        JsonObject? extra = null)
    {
        var session = (await PostAsync("/_matrix/client/v3/register", new JsonObject()))
            .Body.GetProperty("session").GetString();
        var body = With(extra, new JsonObject
        {
            ["username"] = username,
            ["password"] = password,
            ["auth"] = new JsonObject { ["type"] = "m.login.dummy", ["session"] = session },
        });
        var (status, result) = await PostAsync("/_matrix/client/v3/register", body);
        Assert.True(status == HttpStatusCode.OK, $"registration failed: {status} {result}");
        return result;
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
        SessionFrom(await MatrixAssert.OkAsync(await Anonymous.PostAsJsonAsync(
            "/_matrix/client/v3/register?kind=guest", new JsonObject())));

    /// <summary>Logs the user in again: a new device with its own token.</summary>
    public async Task<TestSession> LoginAsync(string userId) => SessionFrom(await LoginBodyAsync(userId));

    /// <summary>
    /// A password login of <paramref name="user"/> (localpart or user ID) with <paramref name="extra"/> fields in the
    /// request; asserts success and returns the response body.
    /// </summary>
    public async Task<JsonElement> LoginBodyAsync(string user, string password = Password, JsonObject? extra = null)
    {
        var (status, result) = await PostAsync("/_matrix/client/v3/login", With(extra, new JsonObject
        {
            ["type"] = "m.login.password",
            ["identifier"] = new JsonObject { ["type"] = "m.id.user", ["user"] = user },
            ["password"] = password,
        }));
        Assert.True(status == HttpStatusCode.OK, $"login failed: {status} {result}");
        return result;
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, JsonNode body,
        string? accessToken = null) => await SendAsync(HttpMethod.Post, path, body, accessToken);

    public async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path, string? accessToken = null) =>
        await SendAsync(HttpMethod.Get, path, null, accessToken);

    /// <summary>A request with an optional JSON body and access token; returns the status and the JSON body, if any.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path,
        JsonNode? body, string? accessToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (accessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        using var response = await Anonymous.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

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
        _ownedData?.Dispose();
    }

    private static JsonObject With(JsonObject? extra, JsonObject body)
    {
        foreach (var (key, value) in extra ?? [])
        {
            body[key] = value?.DeepClone();
        }

        return body;
    }

    private TestSession SessionFrom(JsonElement body)
    {
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
