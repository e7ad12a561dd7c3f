using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Dapper;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Federation.Sending;
using Homeserver.Services.Shared;
using Homeserver.Storage.Federation;
using Homeserver.Storage.Migrations;
using Homeserver.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Homeserver.Services.Tests.Federation.Sending;

/// <summary>A PUT /send the recording destination saw: its transaction ID and parsed body.</summary>
internal sealed record SeenTransaction(string TxnId, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public IReadOnlyList<string> EventIds =>
        Json.GetProperty("pdus").EnumerateArray().Select(p => p.GetProperty("event_id").GetString()!).ToList();

    public IReadOnlyList<string> EduTypes =>
        Json.GetProperty("edus").EnumerateArray().Select(e => e.GetProperty("edu_type").GetString()!).ToList();
}

/// <summary>
/// The federation sender over a real queue (a fresh migrated database), the real federation client on a manual clock,
/// and a recording destination on loopback HTTPS whose answers the test scripts (200 unless told).
/// </summary>
internal sealed class SenderHarness : IAsyncDisposable
{
    public static readonly ServerName Origin = ServerName.Parse("origin.test");

    private readonly X509Certificate2 _ca = TestCertificates.CreateCa("Sender CA");
    private readonly ConcurrentQueue<int> _statuses = new();
    private LoopbackHttpsServer? _server;
    private ClientHarness? _client;
    private NpgsqlDataSource? _dataSource;
    private long _nextPosition;

    public ConcurrentQueue<SeenTransaction> Seen { get; } = new();

    public ServerName Destination => ServerName.Parse($"localhost:{_server!.Port}");

    public ClientHarness Client => _client!;

    public ManualClock Clock => Client.Clock;

    public FederationQueueStore Queue { get; private set; } = null!;

    public NpgsqlDataSource DataSource => _dataSource!;

    public FederationSenderOptions Options { get; private set; } = FederationSenderOptions.Default;

    public TransactionDelivery Delivery { get; private set; } = null!;

    public FederationSender Sender { get; private set; } = null!;

    public static async Task<SenderHarness> StartAsync(FederationSenderOptions? options = null)
    {
        var harness = new SenderHarness();
        harness._server = await LoopbackHttpsServer.StartAsync(TestCertificates.CreateLeaf(harness._ca, "localhost"),
            harness.AnswerAsync);
        harness._client = new ClientHarness(trustedCa: harness._ca);
        var connectionString = await (await TestPostgres.SharedAsync()).CreateDatabaseAsync();
        harness._dataSource = NpgsqlDataSource.Create(connectionString);
        await new Migrator(harness._dataSource, NullLogger<Migrator>.Instance).ApplyAsync(CancellationToken.None);
        harness.Options = options ?? FederationSenderOptions.Default;
        harness.Queue = new FederationQueueStore(harness._dataSource);
        harness.Delivery = new TransactionDelivery(harness.Queue, harness.Client.Client, harness.Options, Origin,
            harness.Clock, NullLogger<TransactionDelivery>.Instance);
        harness.Sender = new FederationSender(harness.Queue, harness.Delivery, harness.Client.Backoff,
            new InProcessSharedStore(), harness.Options, Origin, harness.Clock, NullLogger<FederationSender>.Instance);
        return harness;
    }

    /// <summary>The next answers of the destination, in order.</summary>
    public void Answer(params int[] statuses)
    {
        foreach (var status in statuses)
        {
            _statuses.Enqueue(status);
        }
    }

    /// <summary>One delivery pass, awaited (the sender's wake-ups run the same passes in the background).</summary>
    public Task<DeliveryOutcome> DeliverAsync(string owner = "test", bool maintain = false) =>
        Delivery.DeliverAsync(Destination, owner, maintain, CancellationToken.None);

    /// <summary>Stores <paramref name="count"/> events of ours in the room (the last one its forward extremity) and
    /// queues them for the destination; returns their IDs.</summary>
    public async Task<IReadOnlyList<string>> QueueEventsAsync(string roomId, int count, bool queue = true)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            INSERT INTO rooms (room_id, room_version, created_ts) VALUES (@roomId, '10', 0) ON CONFLICT DO NOTHING
            """, new { roomId });
        var ids = new List<string>();
        var outbound = new List<OutboundPdu>();
        for (var i = 0; i < count; i++)
        {
            var position = Interlocked.Increment(ref _nextPosition);
            var eventId = $"$e{position}";
            var json = JsonSerializer.Serialize(new
            {
                event_id = eventId, room_id = roomId, type = "m.room.message", sender = "@u:origin.test",
                content = new { body = "m" + position }, depth = position, origin_server_ts = position,
            });
            await connection.ExecuteAsync("""
                INSERT INTO events (event_id, room_id, stream_ordering, depth, type, sender, origin_server_ts, json)
                VALUES (@eventId, @roomId, @position, @position, 'm.room.message', '@u:origin.test', @position, @json)
                """, new { eventId, roomId, position, json });
            ids.Add(eventId);
            outbound.Add(new OutboundPdu(Destination, position, roomId, eventId));
        }

        await connection.ExecuteAsync("""
            DELETE FROM forward_extremities WHERE room_id = @roomId;
            INSERT INTO forward_extremities (room_id, event_id) VALUES (@roomId, @last);
            """, new { roomId, last = ids[^1] });
        if (queue)
        {
            await Queue.EnqueuePdusAsync(outbound, CancellationToken.None);
        }

        return ids;
    }

    public Task QueueEduAsync(string type, int n = 1) => Task.WhenAll(Enumerable.Range(0, n).Select(i =>
        Queue.EnqueueEduAsync([Destination], type, $$"""{"i":{{i}}}""", CancellationToken.None)));

    public async ValueTask DisposeAsync()
    {
        await Sender.DisposeAsync();
        await _server!.DisposeAsync();
        _client?.Dispose();
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        _ca.Dispose();
    }

    private async Task AnswerAsync(HttpContext context)
    {
        var body = _server!.Requests.Last().Body; // the server read it before handing the request over
        const string prefix = "/_matrix/federation/v1/send/";
        var path = context.Request.Path.Value ?? "";
        if (context.Request.Method != "PUT" || !path.StartsWith(prefix, StringComparison.Ordinal))
        {
            context.Response.StatusCode = 404;
            return;
        }

        Seen.Enqueue(new SeenTransaction(Uri.UnescapeDataString(path[prefix.Length..]), body));
        context.Response.StatusCode = _statuses.TryDequeue(out var status) ? status : 200;
        await context.Response.WriteAsync(context.Response.StatusCode == 200 ? """{"pdus":{}}"""
            : """{"errcode":"M_UNKNOWN","error":"scripted"}""");
    }
}
