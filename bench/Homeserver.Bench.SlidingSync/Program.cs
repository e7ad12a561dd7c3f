// Simplified sliding sync (MSC4186) against /sync v2 for one user in many rooms (issue 19). The user is in R rooms
// (created through the client API, each with one message); a second user shares one of them. Measured, I times each:
//   sliding first:  a new connection, one list of range [0, 19], timeline_limit 1, a few required_state entries
//   sliding update: the second user sends a message, then the connection's next request (pos, timeout 0)
//   v2 initial:     GET /sync with timeline limit 1 (every room)
//   v2 update:      the second user sends a message, then GET /sync?since=... (timeout 0)
// Each update checks that the message arrived. Prints p50 and p90 of each, in milliseconds.
//
//   dotnet run -c Release --project bench/Homeserver.Bench.SlidingSync -- [--rooms 1000] [--iterations 20]
//
// Starts its own server on a throwaway Postgres cluster; setup (registrations, rooms) is not measured.
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

const string SlidingPath = "/_matrix/client/unstable/org.matrix.simplified_msc3575/sync";
var roomCount = Option("--rooms", 1000);
var iterations = Option("--iterations", 20);

var directory = Directory.CreateTempSubdirectory("hs-bench-sliding-");
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
        ["Homeserver:ServerName"] = "bench.test",
        ["Homeserver:DataDirectory"] = directory.FullName,
        ["Homeserver:Database:ConnectionString"] = cluster.ConnectionString("homeserver"),
        ["Homeserver:Listen:Client"] = "http://127.0.0.1:0",
        ["Homeserver:Registration:Enabled"] = "true",
        ["Homeserver:RateLimits:Enabled"] = "false",
        ["Homeserver:Logging:Format"] = "json",
        ["Logging:LogLevel:Default"] = "Warning",
    }).Build();
    var settings = SettingsReader.Read(configuration, directory.FullName);
    await using var server = await HomeserverInstance.StartAsync(settings, CancellationToken.None,
        services => services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning)));
    using var http = new HttpClient { BaseAddress = server.Addresses[0], Timeout = TimeSpan.FromMinutes(5) };

    var reader = await RegisterAsync("reader");
    var writer = await RegisterAsync("writer");
    var setup = Stopwatch.StartNew();
    var made = 0;
    var rooms = new string[roomCount];
    await Parallel.ForEachAsync(Enumerable.Range(0, roomCount), new ParallelOptions { MaxDegreeOfParallelism = 8 },
        async (i, _) =>
        {
            rooms[i] = (await CallAsync(HttpMethod.Post, "/_matrix/client/v3/createRoom", reader, new JsonObject
            {
                ["preset"] = i == 0 ? "public_chat" : "private_chat",
                ["name"] = $"room {i}",
            })).GetProperty("room_id").GetString()!;
            await SendAsync(reader, rooms[i], $"hello room {i}");
            if (Interlocked.Increment(ref made) % 250 == 0)
            {
                await Console.Error.WriteLineAsync($"{made} rooms made ({setup.Elapsed.TotalSeconds:F0} s)");
            }
        });
    var shared = rooms[0];
    await CallAsync(HttpMethod.Post, $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(shared)}/join", writer,
        new JsonObject());
    Console.WriteLine($"a user in {roomCount} rooms, ready in {setup.Elapsed.TotalSeconds:F0} s; {iterations} iterations");

    var slidingFirst = new List<double>();
    var slidingUpdate = new List<double>();
    var v2Initial = new List<double>();
    var v2Update = new List<double>();
    for (var i = -1; i < iterations; i++)
    {
        // Iteration -1 warms up and is not counted.
        var body = new JsonObject
        {
            ["conn_id"] = $"bench{i}",
            ["lists"] = new JsonObject
            {
                ["all"] = new JsonObject
                {
                    ["ranges"] = new JsonArray(new JsonArray(0, 19)),
                    ["timeline_limit"] = 1,
                    ["required_state"] = new JsonArray(new JsonArray("m.room.name", ""), new JsonArray("m.room.avatar", ""),
                        new JsonArray("m.room.encryption", ""), new JsonArray("m.room.member", "$ME")),
                },
            },
        };
        var (first, ms) = await TimeAsync(() => CallAsync(HttpMethod.Post, SlidingPath, reader, body));
        Record(slidingFirst, i, ms);
        if (first.GetProperty("rooms").EnumerateObject().Count() != Math.Min(20, roomCount))
        {
            throw new InvalidOperationException("the first sliding sync response did not hold 20 rooms");
        }

        var message = $"update {i}";
        await SendAsync(writer, shared, message);
        var pos = Uri.EscapeDataString(first.GetProperty("pos").GetString()!);
        var (update, updateMs) = await TimeAsync(() =>
            CallAsync(HttpMethod.Post, $"{SlidingPath}?pos={pos}&timeout=0", reader, body));
        Record(slidingUpdate, i, updateMs);
        Require(update.GetProperty("rooms").GetProperty(shared).GetProperty("timeline"), message, "sliding sync");

        var filter = Uri.EscapeDataString("""{"room":{"timeline":{"limit":1}}}""");
        var (initial, initialMs) = await TimeAsync(() =>
            CallAsync(HttpMethod.Get, $"/_matrix/client/v3/sync?timeout=0&filter={filter}", reader, null));
        Record(v2Initial, i, initialMs);
        var v2Message = $"v2 update {i}";
        await SendAsync(writer, shared, v2Message);
        var since = Uri.EscapeDataString(initial.GetProperty("next_batch").GetString()!);
        var (incremental, incrementalMs) = await TimeAsync(() =>
            CallAsync(HttpMethod.Get, $"/_matrix/client/v3/sync?timeout=0&filter={filter}&since={since}", reader, null));
        Record(v2Update, i, incrementalMs);
        Require(incremental.GetProperty("rooms").GetProperty("join").GetProperty(shared).GetProperty("timeline")
            .GetProperty("events"), v2Message, "/sync v2");
    }

    Console.WriteLine($"{"measure",-52} {"p50 ms",8} {"p90 ms",8}");
    Print($"sliding sync, first response (list of 20 of {roomCount})", slidingFirst);
    Print("sliding sync, incremental after one message", slidingUpdate);
    Print($"/sync v2, initial ({roomCount} rooms, timeline limit 1)", v2Initial);
    Print("/sync v2, incremental after one message", v2Update);

    async Task SendAsync(string token, string roomId, string text) =>
        await CallAsync(HttpMethod.Put,
            $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/send/m.room.message/{Guid.NewGuid():N}", token,
            new JsonObject { ["msgtype"] = "m.text", ["body"] = text });

    async Task<string> RegisterAsync(string name)
    {
        var challenge = await http.PostAsJsonAsync("/_matrix/client/v3/register", new JsonObject());
        var session = (await challenge.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("session").GetString();
        return (await CallAsync(HttpMethod.Post, "/_matrix/client/v3/register", null, new JsonObject
        {
            ["username"] = name,
            ["password"] = "bench password " + name,
            ["auth"] = new JsonObject { ["type"] = "m.login.dummy", ["session"] = session },
        })).GetProperty("access_token").GetString()!;
    }

    async Task<JsonElement> CallAsync(HttpMethod method, string path, string? token, JsonObject? body)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (token is not null)
        {
            request.Headers.Authorization = new("Bearer", token);
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode
            ? JsonDocument.Parse(text).RootElement.Clone()
            : throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
    }
}
finally
{
    await cluster.StopAsync(CancellationToken.None);
    directory.Delete(recursive: true);
}

static async Task<(JsonElement Result, double Ms)> TimeAsync(Func<Task<JsonElement>> call)
{
    var started = Stopwatch.GetTimestamp();
    var result = await call();
    return (result, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
}

static void Record(List<double> samples, int iteration, double ms)
{
    if (iteration >= 0)
    {
        samples.Add(ms);
    }
}

static void Require(JsonElement events, string body, string what)
{
    if (!events.EnumerateArray().Any(e => e.GetProperty("content").TryGetProperty("body", out var b) &&
                                          b.GetString() == body))
    {
        throw new InvalidOperationException($"{what}: the message '{body}' did not arrive");
    }
}

static void Print(string measure, List<double> samples)
{
    samples.Sort();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{measure,-52} {Percentile(samples, 0.5),8:F1} {Percentile(samples, 0.9),8:F1}"));
}

static double Percentile(List<double> sorted, double p) =>
    sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}
