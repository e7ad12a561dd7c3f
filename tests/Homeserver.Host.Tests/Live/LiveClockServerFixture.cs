using Homeserver.Host.Tests.Support;
using Homeserver.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Live;

/// <summary>One server on a clock the tests move (only forwards; each test uses its own room and users).</summary>
public sealed class LiveClockServerFixture : IAsyncLifetime
{
    public ManualClock Clock { get; } = new();

    public LiveServer Server { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Server = await LiveServer.StartAsync(services: s => s.AddSingleton<TimeProvider>(Clock));

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
