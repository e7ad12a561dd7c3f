using Homeserver.Bridges.AppService.Client;
using Homeserver.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Bridges.AppService.Tests.Support;

/// <summary>The SDK (over a real database, on a manual clock) pointed at a recording homeserver stand-in.</summary>
public sealed class IntentHarness : IAsyncDisposable
{
    private IntentHarness(RecordingHomeserver homeserver, TestAppService service, ManualClock clock, AppServiceDatabaseSettings database)
    {
        Homeserver = homeserver;
        Service = service;
        Clock = clock;
        Database = database;
    }

    public RecordingHomeserver Homeserver { get; }

    public TestAppService Service { get; private set; }

    public ManualClock Clock { get; }

    public AppServiceDatabaseSettings Database { get; }

    public Intents Intents => Service.Services.GetRequiredService<Intents>();

    public Intent Ghost(string localpart = "_test_alice") => Intents.ForLocalpart(localpart);

    public static async Task<IntentHarness> StartAsync(DatabaseDialect dialect)
    {
        var registration = TestAppService.NewRegistration();
        var homeserver = await RecordingHomeserver.StartAsync(registration, TestAppService.ServerName);
        var database = await TestDatabases.NewAsync(dialect);
        var clock = new ManualClock();
        var service = await StartServiceAsync(database, registration, homeserver, clock);
        return new IntentHarness(homeserver, service, clock, database);
    }

    /// <summary>Stops the SDK and starts it again on the same database (a bridge restart).</summary>
    public async Task RestartAsync()
    {
        var registration = Service.Registration;
        await Service.DisposeAsync();
        Service = await StartServiceAsync(Database, registration, Homeserver, Clock);
    }

    public async ValueTask DisposeAsync()
    {
        await Service.DisposeAsync();
        await Homeserver.DisposeAsync();
    }

    private static Task<TestAppService> StartServiceAsync(AppServiceDatabaseSettings database, Registration.Registration registration,
        RecordingHomeserver homeserver, ManualClock clock) =>
        TestAppService.StartAsync(database, registration, homeserver.Url, s => s.AddSingleton<TimeProvider>(clock));
}
