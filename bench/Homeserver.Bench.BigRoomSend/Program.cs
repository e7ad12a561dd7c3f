// Sends into a room with many local members: each message is evaluated against every member's push rules and leaves
// one push action per member. S senders post back to back (a closed loop) into a room of M local members (guests,
// joined through the client API); the figures are each send's latency (PUT .../send to 200 OK), sends per second and
// how long the global event stream lock (EventPersistence.StreamLockKey) was held per send, sampled from pg_locks.
//
//   dotnet run -c Release --project bench/Homeserver.Bench.BigRoomSend -- [--members 2000] [--senders 5] [--messages 40]
//
// Starts its own server on a throwaway Postgres cluster; setup (registrations and joins) is not measured.
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Hosting;
using Homeserver.Services.Configuration;
using Homeserver.Services.Push;
using Homeserver.Storage.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

// pg_locks shows an advisory lock's bigint key as classid (high 32 bits) and objid (low 32 bits), objsubid 1.
const long StreamLockKey = 0x4853535452454D;
var members = Option("--members", 2000);
var senders = Option("--senders", 5);
var messages = Option("--messages", 40);

var directory = Directory.CreateTempSubdirectory("hs-bench-bigroom-");
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
        ["Homeserver:Registration:AllowGuests"] = "true",
        ["Homeserver:RateLimits:Enabled"] = "false",
        ["Homeserver:Logging:Format"] = "json",
        ["Logging:LogLevel:Default"] = "Warning",
    }).Build();
    var settings = SettingsReader.Read(configuration, directory.FullName);
    await using var server = await HomeserverInstance.StartAsync(settings, CancellationToken.None,
        services => services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning)));
    using var http = new HttpClient { BaseAddress = server.Addresses[0], Timeout = TimeSpan.FromMinutes(5) };

    var owner = await RegisterAsync("owner");
    var roomId = (await CallAsync(HttpMethod.Post, "/_matrix/client/v3/createRoom", owner, new JsonObject
    {
        ["preset"] = "public_chat",
        ["initial_state"] = new JsonArray(new JsonObject
        {
            ["type"] = "m.room.guest_access", ["state_key"] = "",
            ["content"] = new JsonObject { ["guest_access"] = "can_join" },
        }),
    })).GetProperty("room_id").GetString()!;
    var join = $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/join";
    var posters = new List<string>();
    for (var i = 0; i < senders; i++)
    {
        posters.Add(await RegisterAsync($"sender{i}"));
        await CallAsync(HttpMethod.Post, join, posters[^1], new JsonObject());
    }

    var setup = Stopwatch.StartNew();
    var joined = 0;
    await Parallel.ForEachAsync(Enumerable.Range(0, members - senders - 1),
        new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, _) =>
        {
            var guest = (await CallAsync(HttpMethod.Post, "/_matrix/client/v3/register?kind=guest", null,
                new JsonObject())).GetProperty("access_token").GetString()!;
            await CallAsync(HttpMethod.Post, join, guest, new JsonObject());
            if (Interlocked.Increment(ref joined) % 250 == 0)
            {
                await Console.Error.WriteLineAsync($"{joined} guests joined ({setup.Elapsed.TotalSeconds:F0} s)");
            }
        });
    Console.WriteLine($"room of {members} local members ready in {setup.Elapsed.TotalSeconds:F0} s");

    var txn = 0;
    await RunAsync("warm-up", 3);
    await RunAsync("measured", messages);
    await TimeUnreadCountsAsync();

    // The /sync unread count query of one member, who has every message unread, a few hundred times.
    async Task TimeUnreadCountsAsync()
    {
        var store = server.App.Services.GetRequiredService<IPushActionStore>();
        await using var connection = new NpgsqlConnection(cluster.ConnectionString("homeserver"));
        await connection.OpenAsync(CancellationToken.None);
        await using var member = new NpgsqlCommand(
            "SELECT user_id FROM room_memberships WHERE room_id = $1 AND user_id LIKE '@_%' ORDER BY user_id LIMIT 1",
            connection);
        member.Parameters.Add(new NpgsqlParameter { Value = roomId });
        var userId = (string)(await member.ExecuteScalarAsync(CancellationToken.None))!;
        var timings = new List<double>();
        long notifications = 0;
        for (var i = 0; i < 300; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var counts = await store.GetUnreadCountsAsync(userId, [roomId], CancellationToken.None);
            timings.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            notifications = counts.Sum(c => c.Notifications);
        }

        timings.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"unread counts of {userId} ({notifications} notifications): p50 {Percentile(timings, 0.5):F2} ms, " +
            $"p99 {Percentile(timings, 0.99):F2} ms over {timings.Count} queries"));
    }

    async Task RunAsync(string label, int perSender)
    {
        using var stop = new CancellationTokenSource();
        var sampler = SampleLockAsync(stop.Token);
        var latencies = new List<double>();
        var elapsed = Stopwatch.StartNew();
        await Task.WhenAll(posters.Select(token => Task.Run(async () =>
        {
            for (var i = 0; i < perSender; i++)
            {
                var path = $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/send/m.room.message/" +
                           $"b{Interlocked.Increment(ref txn)}";
                var started = Stopwatch.GetTimestamp();
                await CallAsync(HttpMethod.Put, path, token,
                    new JsonObject { ["msgtype"] = "m.text", ["body"] = $"message {i} of a busy evening" });
                var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                lock (latencies)
                {
                    latencies.Add(ms);
                }
            }
        })));
        var seconds = elapsed.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        var (held, samples, maxPending) = await sampler;
        latencies.Sort();
        var sends = latencies.Count;
        var pendingNote = maxPending is { } pending ? $"; at most {pending} events' push actions pending" : "";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label}: {sends} sends by {senders} senders in {seconds:F1} s = {sends / seconds:F1} sends/s; " +
            $"latency p50 {Percentile(latencies, 0.50):F0} ms, p99 {Percentile(latencies, 0.99):F0} ms, " +
            $"max {latencies[^1]:F0} ms; stream lock held {100.0 * held / Math.Max(1, samples):F0}% of " +
            $"{samples} samples = {seconds * 1000 * held / Math.Max(1, samples) / sends:F1} ms per send{pendingNote}"));
    }

    // Polls pg_locks on a connection of its own: the share of samples in which the stream lock was held (and, where
    // push actions are moved after the commit, how many events' actions wait to be moved).
    async Task<(int Held, int Samples, long? MaxPending)> SampleLockAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString("homeserver"));
        await connection.OpenAsync(CancellationToken.None);
        await using var hasPending = new NpgsqlCommand(
            "SELECT to_regclass('event_push_actions_pending') IS NOT NULL", connection);
        await using var pendingCount = new NpgsqlCommand(
            (bool)(await hasPending.ExecuteScalarAsync(CancellationToken.None))!
                ? "SELECT count(*) FROM event_push_actions_pending" : "SELECT NULL::bigint", connection);
        long? maxPending = null;
        await using var command = new NpgsqlCommand("""
            SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted
              AND classid = $1 AND objid = $2 AND objsubid = 1
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = StreamLockKey >> 32 });
        command.Parameters.Add(new NpgsqlParameter { Value = StreamLockKey & 0xFFFFFFFFL });
        int held = 0, samples = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            held += (long)(await command.ExecuteScalarAsync(CancellationToken.None))! > 0 ? 1 : 0;
            if (samples++ % 10 == 0 && await pendingCount.ExecuteScalarAsync(CancellationToken.None) is long pending)
            {
                maxPending = Math.Max(maxPending ?? 0, pending);
            }

            try
            {
                await Task.Delay(2, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return (held, samples, maxPending);
    }

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

    async Task<JsonElement> CallAsync(HttpMethod method, string path, string? token, JsonObject body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
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

static double Percentile(List<double> sorted, double p) =>
    sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}
