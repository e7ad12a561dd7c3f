using Homeserver.Core.AppServices;
using Homeserver.Core.Identifiers;
using Homeserver.Services.AppServices;
using Homeserver.Services.AppServices.Push;
using Homeserver.Storage.AppServices;
using Homeserver.Storage.Migrations;
using Homeserver.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Homeserver.Services.Tests.AppServices;

/// <summary>
/// The appservice sender's delivery over a real queue (a fresh migrated database), a fake appservice on loopback and a
/// manual clock. <see cref="RestartAsync"/> makes a new store, client and delivery over the same database, as a
/// restarted process would.
/// </summary>
internal sealed class AppServicePushHarness : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];
    private string _connectionString = "";
    private long _nextPosition;

    public FakeAppService Fake { get; private set; } = null!;

    public ManualClock Clock { get; } = new();

    public AppServiceClientOptions Options { get; private set; } = null!;

    public AppServiceRegistration Registration { get; private set; } = null!;

    public AppServiceQueueStore Queue { get; private set; } = null!;

    public AppServiceTransactionDelivery Delivery { get; private set; } = null!;

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public static async Task<AppServicePushHarness> StartAsync(bool withUrl = true,
        Func<AppServiceClientOptions, AppServiceClientOptions>? options = null)
    {
        var harness = new AppServicePushHarness { Fake = await FakeAppService.StartAsync() };
        harness._owned.Add(harness.Fake);
        harness.Options = (options ?? (o => o))(new AppServiceClientOptions(harness.Clock));
        harness.Registration = MakeRegistration("bridge", withUrl ? harness.Fake.Url : null);
        harness._connectionString = await (await TestPostgres.SharedAsync()).CreateDatabaseAsync();
        await harness.RestartAsync();
        await new Migrator(harness.DataSource, NullLogger<Migrator>.Instance).ApplyAsync(CancellationToken.None);
        return harness;
    }

    public static AppServiceRegistration MakeRegistration(string id, Uri? url, string usersRegex = "@ghost_.*",
        bool ephemeral = false, bool msc3202 = false) =>
        new(id, url, "as_" + id, "hs_" + id, UserId.Parse($"@{id}bot:test.local"),
            new AppServiceNamespaces([AppServiceNamespace.TryCreate(usersRegex, false, out _)!], [], []), true, [],
            ephemeral, msc3202, false);

    /// <summary>A new store, client and delivery over the same database (the old ones are left as they are).</summary>
    public Task RestartAsync()
    {
        DataSource = NpgsqlDataSource.Create(_connectionString);
        _owned.Add(DataSource);
        Queue = new AppServiceQueueStore(DataSource);
        var client = new AppServiceClient(Options);
        _owned.Add(new DisposeAdapter(client));
        Delivery = new AppServiceTransactionDelivery(Queue, client, new AppServiceRoomFactsReader(DataSource),
            new AppServiceDeviceKeysReader(DataSource), Options, NullLogger<AppServiceTransactionDelivery>.Instance);
        return Task.CompletedTask;
    }

    /// <summary>Queues <paramref name="count"/> new room events for the appservice; returns their event IDs.</summary>
    public async Task<IReadOnlyList<string>> QueueEventsAsync(int count)
    {
        var events = Enumerable.Range(0, count).Select(_ => Interlocked.Increment(ref _nextPosition))
            .Select(p => new QueuedAppServiceEvent(Registration.Id, p,
                $$"""{"event_id":"$e{{p}}","room_id":"!r:test.local","type":"m.room.message","sender":"@u:test.local","origin_server_ts":{{p}},"content":{"body":"m{{p}}" } }"""))
            .ToList();
        await Queue.EnqueueEventsAsync(events, CancellationToken.None);
        return events.Select(e => $"$e{e.Position}").ToList();
    }

    public Task<AppServiceDeliveryOutcome> DeliverAsync() => Delivery.DeliverAsync(Registration, CancellationToken.None);

    public static IReadOnlyList<string> EventIdsOf(AppServiceRequest transaction) =>
        transaction.Json.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("event_id").GetString()!).ToList();

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            await owned.DisposeAsync();
        }
    }

    private sealed class DisposeAdapter(IDisposable inner) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            inner.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
