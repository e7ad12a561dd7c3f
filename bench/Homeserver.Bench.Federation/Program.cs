// The federation sender on its own (no homeserver around it): PDUs queued per second (batches as the stream consumer
// queues them), a backlog drained through transactions of 50 to a loopback receiver (PDUs/s, transactions/s), and the
// latency of one event from being queued to its arrival at the receiver (p50/p99), sending one at a time.
//
//   dotnet run -c Release --project bench/Homeserver.Bench.Federation -- [--events 2000] [--latency 300]
//
// Starts its own throwaway Postgres cluster; the receiver is Kestrel on 127.0.0.1 over HTTPS.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Dapper;
using Homeserver.Bench.Federation;
using Homeserver.Core.Crypto;
using Homeserver.Core.Federation;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Configuration;
using Homeserver.Services.Federation.Client;
using Homeserver.Services.Federation.Discovery;
using Homeserver.Services.Federation.Sending;
using Homeserver.Services.Shared;
using Homeserver.Storage.Federation;
using Homeserver.Storage.Migrations;
using Homeserver.Storage.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

var events = Option("--events", 2000);
var latencySamples = Option("--latency", 300);
var origin = ServerName.Parse("origin.bench");
var destination = ServerName.Parse("receiver.bench");

var directory = Directory.CreateTempSubdirectory("hs-bench-federation-");
if (!OperatingSystem.IsWindows())
{
    File.SetUnixFileMode(directory.FullName, (UnixFileMode)0b111_101_101);
}

var cluster = await LocalPostgresCluster.StartAsync(Path.Combine(directory.FullName, "postgres"), null,
    NullLogger.Instance, CancellationToken.None);
try
{
    await cluster.EnsureDatabaseAsync("homeserver", CancellationToken.None);
    await using var dataSource = NpgsqlDataSource.Create(cluster.ConnectionString("homeserver"));
    await new Migrator(dataSource, NullLogger<Migrator>.Instance).ApplyAsync(CancellationToken.None);
    await using var receiver = await LoopbackReceiver.StartAsync();

    var settings = FederationClientSettings.Default with
    {
        VerifyCertificates = false,
        HostOverrides = new Dictionary<string, IPEndPoint> { [destination.Value] = new(IPAddress.Loopback, receiver.Port) },
    };
    var time = TimeProvider.System;
    using var http = new HttpMessageInvoker(FederationHttpHandler.Create(settings, new SystemHostAddressLookup()));
    var backoff = new DestinationBackoff(settings.BackoffMin, settings.BackoffMax, time, new Random());
    var resolver = new ServerNameResolver(new WellKnownResolver(new WellKnownHttpFetcher(http, settings.RequestTimeout, time),
        time, new Random()), new SrvResolver(new DnsSrvLookup(), time, new Random()), settings.HostOverrides);
    var client = new FederationClient(resolver, new BenchSigner(SigningKey.FromSeed("bench", new byte[32]), origin),
        http, settings, backoff, new DestinationLimiter(settings.MaxConcurrentRequestsPerDestination), time);
    var queue = new FederationQueueStore(dataSource);
    var options = FederationSenderOptions.Default with { CatchUpBacklog = int.MaxValue - 1 };
    var delivery = new TransactionDelivery(queue, client, options, origin, time, NullLogger<TransactionDelivery>.Instance);
    await using var sender = new FederationSender(queue, delivery, backoff, new InProcessSharedStore(), options, origin,
        time, NullLogger<FederationSender>.Instance);

    var position = 0L;
    await StoreEventsAsync(dataSource, "!bench:origin.bench", events, () => ++position);

    // 1. Queueing: batches of 100 events, each for 10 destinations (as the stream consumer queues them).
    var others = Enumerable.Range(0, 10).Select(i => ServerName.Parse($"other{i}.bench")).ToList();
    var watch = Stopwatch.StartNew();
    for (var from = 1L; from <= events; from += 100)
    {
        var batch = new List<OutboundPdu>();
        for (var p = from; p < from + 100 && p <= events; p++)
        {
            batch.AddRange(others.Select(d => new OutboundPdu(d, p, "!bench:origin.bench", "$e" + p)));
        }

        await queue.EnqueuePdusAsync(batch, CancellationToken.None);
    }

    Report("queue PDUs (10 destinations per event, batches of 100 events)", events * 10, watch.Elapsed);

    // 2. Draining a backlog to the receiver: transactions of 50 built from the queue, signed and sent.
    await queue.EnqueuePdusAsync(Enumerable.Range(1, events)
        .Select(p => new OutboundPdu(destination, p, "!bench:origin.bench", "$e" + p)).ToList(), CancellationToken.None);
    watch.Restart();
    var outcome = await delivery.DeliverAsync(destination, "bench", false, CancellationToken.None);
    Report($"drain backlog ({outcome.State}, {receiver.Transactions} transactions)", events, watch.Elapsed);
    Console.WriteLine($"  transactions/s: {(receiver.Transactions / watch.Elapsed.TotalSeconds).ToString("F1", CultureInfo.InvariantCulture)}");

    // 3. Latency: one event queued and woken at a time, until the receiver has it.
    var arrivals = new ConcurrentDictionary<string, TaskCompletionSource>();
    receiver.Received += id => { if (arrivals.TryGetValue(id, out var done)) done.TrySetResult(); };
    await StoreEventsAsync(dataSource, "!latency:origin.bench", latencySamples, () => ++position);
    var latencies = new List<double>();
    for (var i = 0; i < latencySamples; i++)
    {
        var p = events + 1 + i;
        var arrived = arrivals.GetOrAdd("$e" + p, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        var started = Stopwatch.GetTimestamp();
        await queue.EnqueuePdusAsync([new OutboundPdu(destination, p, "!latency:origin.bench", "$e" + p)], CancellationToken.None);
        await sender.WakeAsync([destination], CancellationToken.None);
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    latencies.Sort();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"queued -> received, one at a time ({latencySamples}): p50 {Percentile(latencies, 0.50):F2} ms, p99 {Percentile(latencies, 0.99):F2} ms"));
}
finally
{
    await cluster.StopAsync(CancellationToken.None);
    directory.Delete(recursive: true);
}

static void Report(string what, long count, TimeSpan elapsed) => Console.WriteLine(string.Create(
    CultureInfo.InvariantCulture, $"{what}: {count} in {elapsed.TotalMilliseconds:F0} ms = {count / elapsed.TotalSeconds:F0}/s"));

static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];

static async Task StoreEventsAsync(NpgsqlDataSource dataSource, string roomId, int count, Func<long> next)
{
    await using var connection = await dataSource.OpenConnectionAsync();
    await connection.ExecuteAsync("INSERT INTO rooms (room_id, room_version, created_ts) VALUES (@roomId, '10', 0)",
        new { roomId });
    for (var i = 0; i < count; i++)
    {
        var position = next();
        var json = System.Text.Json.JsonSerializer.Serialize(new
        {
            event_id = "$e" + position, room_id = roomId, type = "m.room.message", sender = "@u:origin.bench",
            content = new { msgtype = "m.text", body = $"message {position} with some text in it" }, depth = position,
            origin_server_ts = position, prev_events = Array.Empty<string>(), auth_events = Array.Empty<string>(),
            hashes = new { sha256 = "x" }, signatures = new { },
        });
        await connection.ExecuteAsync("""
            INSERT INTO events (event_id, room_id, stream_ordering, depth, type, sender, origin_server_ts, json)
            VALUES (@eventId, @roomId, @position, @position, 'm.room.message', '@u:origin.bench', @position, @json)
            """, new { eventId = "$e" + position, roomId, position, json });
    }
}

int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}

/// <summary>X-Matrix signing with a throwaway key (the receiver does not check it; the cost is real).</summary>
internal sealed class BenchSigner(SigningKey key, ServerName origin) : IFederationRequestSigner
{
    public string CreateAuthorization(string method, string uri, ServerName destination, ReadOnlyMemory<byte>? body) =>
        RequestSigning.Sign(key, origin.Value, destination.Value, method, uri,
            body is { IsEmpty: false } bytes ? System.Text.Json.Nodes.JsonNode.Parse(bytes.Span) : null).ToHeaderValue();
}
