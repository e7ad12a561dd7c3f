using Homeserver.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Support;

/// <summary>
/// Two server processes on one database, for what must hold across processes: the second starts on the first's
/// database with the same settings and services, and, when they share Redis, owns a throwaway Redis of its own.
/// Disposing stops the second, then the first, then Redis.
/// </summary>
public sealed class TwoServers : IAsyncDisposable
{
    private readonly TestRedis? _redis;

    private TwoServers(LiveServer first, LiveServer second, TestRedis? redis)
    {
        First = first;
        Second = second;
        _redis = redis;
    }

    public LiveServer First { get; }

    public LiveServer Second { get; }

    public TestRedis Redis => _redis ?? throw new InvalidOperationException("these servers share no Redis");

    /// <param name="settings">Settings for both, as <see cref="LiveServer.StartAsync"/> takes them.</param>
    /// <param name="services">Changes to both servers' services (e.g. one clock the test controls).</param>
    public static Task<TwoServers> StartAsync(IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null) => StartBothAsync(settings, services, redis: null);

    /// <summary>Two servers sharing a fresh Redis as well as the database.</summary>
    public static async Task<TwoServers> SharingRedisAsync()
    {
        var redis = await TestRedis.StartAsync();
        try
        {
            return await StartBothAsync(new Dictionary<string, string?> { ["Redis:Configuration"] = redis.Configuration },
                services: null, redis);
        }
        catch
        {
            await redis.DisposeAsync();
            throw;
        }
    }

    /// <summary>Alice on the first server and Bob in a public room she made, Bob's session on the second (he
    /// registered and joined through the first).</summary>
    public async Task<(TestSession Alice, TestSession Bob, string Room)> RoomAcrossAsync()
    {
        var alice = await First.RegisterAsync();
        var bobOnFirst = await First.RegisterAsync();
        var room = await alice.SharedRoomAsync(bobOnFirst);
        return (alice, await Second.LoginAsync(bobOnFirst.UserId), room);
    }

    public async ValueTask DisposeAsync()
    {
        await Second.DisposeAsync();
        await First.DisposeAsync();
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    private static async Task<TwoServers> StartBothAsync(IReadOnlyDictionary<string, string?>? settings,
        Action<IServiceCollection>? services, TestRedis? redis)
    {
        var first = await LiveServer.StartAsync(settings: settings, services: services);
        try
        {
            return new TwoServers(first, await LiveServer.StartAsync(first.ConnectionString, settings, services), redis);
        }
        catch
        {
            await first.DisposeAsync();
            throw;
        }
    }
}
