using System.Net;
using System.Text.Json;
using Homeserver.Host.Hosting;
using Homeserver.Services.Configuration;
using Homeserver.Testing;
using Microsoft.Extensions.Configuration;

namespace Homeserver.Host.Tests;

/// <summary>The whole server keeps working, slower, while Redis is away, and picks it up again when it returns.</summary>
public sealed class RedisOutageTests
{
    [Fact]
    public async Task The_server_keeps_answering_through_a_redis_outage_and_recovers()
    {
        using var data = new TempDirectory();
        await using var redis = await TestRedis.StartAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Homeserver:DataDirectory"] = data.Path,
            ["Homeserver:Database:ConnectionString"] = await (await TestPostgres.SharedAsync()).CreateDatabaseAsync(),
            ["Homeserver:Redis:Configuration"] = redis.Configuration,
            ["Homeserver:Listen:Client"] = "http://127.0.0.1:0",
            ["Homeserver:Listen:Federation"] = "",
        }).Build();
        await using var server = await HomeserverInstance.StartAsync(SettingsReader.Read(configuration, data.Path),
            CancellationToken.None);
        using var client = new HttpClient { BaseAddress = server.Addresses[0] };
        Assert.Equal("ready", await StatusAsync(client));

        await redis.StopAsync();
        await Eventually.HoldsAsync(async () => await StatusAsync(client) == "degraded", "readiness shows the outage");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/_matrix/client/versions")).StatusCode);

        await redis.StartAgainAsync();
        await Eventually.HoldsAsync(async () => await StatusAsync(client) == "ready", "Redis is picked up again",
            TimeSpan.FromSeconds(30));
    }

    private static async Task<string?> StatusAsync(HttpClient client)
    {
        var response = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString();
    }
}
