using Homeserver.Host.Tests.Support;
using Homeserver.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Admin;

/// <summary>
/// A server with rate limits on (the message limit at its default, 0.2/s and a burst of 10; registrations and logins
/// loose enough for the tests' users) on a clock the tests move, and two appservices: <c>@_rl_.*</c> rate-limited,
/// <c>@_free_.*</c> not (<c>rate_limited: false</c>).
/// </summary>
public sealed class MessageRateLimitServer : IAsyncLifetime
{
    public const string LimitedToken = "as-rl-token";
    public const string FreeToken = "as-free-token";
    private readonly TempDirectory _files = new();

    public ManualClock Clock { get; } = new();

    public LiveServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var limited = await WriteAsync("limited.yaml", "rl", LimitedToken, rateLimited: true, "_rl_");
        var free = await WriteAsync("free.yaml", "free", FreeToken, rateLimited: false, "_free_");
        Server = await LiveServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["RateLimits:Enabled"] = "true",
            ["RateLimits:Registration:PerSecond"] = "1000",
            ["RateLimits:Registration:Burst"] = "100000",
            ["RateLimits:Login:PerSecond"] = "1000",
            ["RateLimits:Login:Burst"] = "100000",
            ["RateLimits:LoginAccount:PerSecond"] = "1000",
            ["RateLimits:LoginAccount:Burst"] = "100000",
            ["AppServices:ConfigFiles:0"] = limited,
            ["AppServices:ConfigFiles:1"] = free,
        }, services: s => s.AddSingleton<TimeProvider>(Clock));
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        _files.Dispose();
    }

    private async Task<string> WriteAsync(string name, string id, string token, bool rateLimited, string prefix)
    {
        var path = Path.Combine(_files.Path, name);
        await File.WriteAllTextAsync(path, $"""
            id: {id}
            url: null
            as_token: {token}
            hs_token: hs-{token}
            sender_localpart: {prefix}bot
            rate_limited: {(rateLimited ? "true" : "false")}
            namespaces:
              users:
                - exclusive: true
                  regex: '@{prefix}.*:localhost'
            """);
        return path;
    }
}
