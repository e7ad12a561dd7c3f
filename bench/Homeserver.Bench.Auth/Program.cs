// Authenticated requests per second against the same endpoint without authentication
// (GET /_matrix/client/versions, where the token is optional), same server, same concurrency,
// alternating rounds so drift on a noisy machine hits both sides alike. The ratio is the figure:
// the target is at least 0.80 (token lookup must stay cheap).
//
//   dotnet run -c Release --project bench/Homeserver.Bench.Auth -- [--concurrency 16] [--seconds 5] [--rounds 3]
//
// Starts its own server on a throwaway Postgres cluster.
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Hosting;
using Homeserver.Services.Configuration;
using Homeserver.Storage.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

var concurrency = Option("--concurrency", 16);
var seconds = Option("--seconds", 5);
var rounds = Option("--rounds", 3);

var directory = Directory.CreateTempSubdirectory("hs-bench-auth-");
if (!OperatingSystem.IsWindows())
{
    File.SetUnixFileMode(directory.FullName, (UnixFileMode)0b111_101_101);
}

var cluster = await LocalPostgresCluster.StartAsync(Path.Combine(directory.FullName, "postgres"), null,
    NullLogger.Instance, CancellationToken.None);
try
{
    await cluster.EnsureDatabaseAsync("homeserver", CancellationToken.None);
    var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Homeserver:DataDirectory"] = directory.FullName,
        ["Homeserver:Database:ConnectionString"] = cluster.ConnectionString("homeserver"),
        ["Homeserver:Listen:Client"] = "http://127.0.0.1:0",
        ["Homeserver:Listen:Federation"] = "",
        ["Homeserver:Registration:Enabled"] = "true",
        ["Homeserver:RateLimits:Enabled"] = "false",
        ["Homeserver:Logging:Format"] = "json",
        ["Logging:LogLevel:Default"] = "Warning",
    }).Build();
    var settings = SettingsReader.Read(configuration, directory.FullName);
    await using var server = await HomeserverInstance.StartAsync(settings, CancellationToken.None,
        services => services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning)));
    var baseAddress = server.Addresses[0];
    using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = baseAddress };
    var token = await RegisterAsync(http);

    Console.WriteLine($"GET /_matrix/client/versions, {concurrency} concurrent clients, {seconds} s per side, {rounds} rounds");
    Console.WriteLine("round  without token (req/s)  with token (req/s)  ratio");
    await RunAsync(http, null, TimeSpan.FromSeconds(3)); // warm-up (JIT tiering)
    await RunAsync(http, token, TimeSpan.FromSeconds(3));
    var ratios = new List<double>();
    for (var round = 1; round <= rounds; round++)
    {
        var without = await RunAsync(http, null, TimeSpan.FromSeconds(seconds));
        var with = await RunAsync(http, token, TimeSpan.FromSeconds(seconds));
        ratios.Add(with / without);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{round,5}  {without,21:F0}  {with,18:F0}  {with / without,5:F2}"));
    }

    var median = ratios.Order().ElementAt(ratios.Count / 2);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"median ratio {median:F2} (target >= 0.80): {(median >= 0.8 ? "met" : "NOT met")}"));
}
finally
{
    await cluster.StopAsync(CancellationToken.None);
    directory.Delete(recursive: true);
}

async Task<double> RunAsync(HttpClient http, string? accessToken, TimeSpan duration)
{
    long completed = 0;
    var stopwatch = Stopwatch.StartNew();
    var deadline = stopwatch.Elapsed + duration;
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
    {
        while (stopwatch.Elapsed < deadline)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/_matrix/client/versions");
            if (accessToken is not null)
            {
                request.Headers.Authorization = new("Bearer", accessToken);
            }

            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            Interlocked.Increment(ref completed);
        }
    }));
    return completed / stopwatch.Elapsed.TotalSeconds;
}

static async Task<string> RegisterAsync(HttpClient http)
{
    var challenge = await (await http.PostAsJsonAsync("/_matrix/client/v3/register", new JsonObject()))
        .Content.ReadFromJsonAsync<JsonElement>();
    var response = await http.PostAsJsonAsync("/_matrix/client/v3/register", new JsonObject
    {
        ["username"] = "bench",
        ["password"] = "bench password",
        ["auth"] = new JsonObject { ["type"] = "m.login.dummy", ["session"] = challenge.GetProperty("session").GetString() },
    });
    response.EnsureSuccessStatusCode();
    return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
}

int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}
