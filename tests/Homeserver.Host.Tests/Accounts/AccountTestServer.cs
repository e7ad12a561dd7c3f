using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Hosting;
using Homeserver.Services.Configuration;
using Homeserver.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Accounts;

/// <summary>
/// A whole server in this process on a fresh database (or a given one, to run two servers on one
/// database), with open registration, no rate limits and a cheap password hash unless a test says otherwise.
/// </summary>
public sealed class AccountTestServer : IAsyncDisposable
{
    private readonly TempDirectory _data;

    private AccountTestServer(HomeserverInstance instance, TempDirectory data, string connectionString)
    {
        Instance = instance;
        _data = data;
        ConnectionString = connectionString;
        Client = new HttpClient { BaseAddress = instance.Addresses[0] };
    }

    public HomeserverInstance Instance { get; }

    public HttpClient Client { get; }

    public string ConnectionString { get; }

    public static async Task<AccountTestServer> StartAsync(IDictionary<string, string?>? settings = null,
        string? connectionString = null, Action<IServiceCollection>? services = null)
    {
        var data = new TempDirectory();
        connectionString ??= await (await TestPostgres.SharedAsync()).CreateDatabaseAsync();
        var values = new Dictionary<string, string?>
        {
            ["Homeserver:ServerName"] = "test.local",
            ["Homeserver:DataDirectory"] = data.Path,
            ["Homeserver:Database:ConnectionString"] = connectionString,
            ["Homeserver:Listen:Client"] = "http://127.0.0.1:0",
            ["Homeserver:Listen:Federation"] = "",
            ["Homeserver:Registration:Enabled"] = "true",
            ["Homeserver:RateLimits:Enabled"] = "false",
            ["Homeserver:Security:PasswordHashIterations"] = "1000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var instance = await HomeserverInstance.StartAsync(SettingsReader.Read(configuration, data.Path),
            CancellationToken.None, services);
        return new AccountTestServer(instance, data, connectionString);
    }

    /// <summary>Registers through the dummy flow and returns the response body (user_id, access_token, device_id...).</summary>
    public async Task<JsonElement> RegisterAsync(string username, string password = "correct horse", JsonObject? extra = null)
    {
        var session = (await PostAsync("/_matrix/client/v3/register", new JsonObject()))
            .Body.GetProperty("session").GetString();
        var body = new JsonObject
        {
            ["username"] = username,
            ["password"] = password,
            ["auth"] = new JsonObject { ["type"] = "m.login.dummy", ["session"] = session },
        };
        foreach (var (key, value) in extra ?? [])
        {
            body[key] = value?.DeepClone();
        }

        var (status, result) = await PostAsync("/_matrix/client/v3/register", body);
        Assert.True(status == HttpStatusCode.OK, $"registration failed: {status} {result}");
        return result;
    }

    public async Task<JsonElement> LoginAsync(string username, string password = "correct horse", JsonObject? extra = null)
    {
        var body = new JsonObject
        {
            ["type"] = "m.login.password",
            ["identifier"] = new JsonObject { ["type"] = "m.id.user", ["user"] = username },
            ["password"] = password,
        };
        foreach (var (key, value) in extra ?? [])
        {
            body[key] = value?.DeepClone();
        }

        var (status, result) = await PostAsync("/_matrix/client/v3/login", body);
        Assert.True(status == HttpStatusCode.OK, $"login failed: {status} {result}");
        return result;
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, JsonNode body,
        string? accessToken = null) => await SendAsync(HttpMethod.Post, path, body, accessToken);

    public async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path, string? accessToken = null) =>
        await SendAsync(HttpMethod.Get, path, null, accessToken);

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
            request.Headers.Authorization = new("Bearer", accessToken);
        }

        using var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Instance.DisposeAsync();
        _data.Dispose();
    }
}
