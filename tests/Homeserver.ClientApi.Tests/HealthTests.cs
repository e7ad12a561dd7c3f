using System.Net;
using System.Text.Json;
using Homeserver.Services.Health;
using Homeserver.Services.Shared;
using Homeserver.Storage;
using Homeserver.Storage.Redis;
using Homeserver.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Homeserver.ClientApi.Tests;

public sealed class HealthTests
{
    [Fact]
    public async Task Liveness_answers_ok()
    {
        await using var app = await TestApp.StartAsync();

        Assert.Equal("OK", await app.Client.GetStringAsync("/health"));
    }

    [Fact]
    public async Task Ready_when_postgres_answers()
    {
        await using var dataSource = NpgsqlDataSource.Create(await (await TestPostgres.SharedAsync()).CreateDatabaseAsync());
        await using var app = await TestApp.StartAsync(services: s =>
            s.AddSingleton<IReadinessCheck>(new PostgresReadinessCheck(dataSource)));

        var response = await app.Client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("ready", body.GetProperty("status").GetString());
        Assert.Equal("ok", body.GetProperty("checks").GetProperty("postgres").GetString());
    }

    [Fact]
    public async Task Not_ready_503_when_postgres_is_unreachable()
    {
        using var nowhere = new TempDirectory();
        await using var dataSource = NpgsqlDataSource.Create($"Host={nowhere.Path};Username=x;Database=x;Timeout=2");
        await using var app = await TestApp.StartAsync(services: s =>
            s.AddSingleton<IReadinessCheck>(new PostgresReadinessCheck(dataSource)));

        var response = await app.Client.GetAsync("/health/ready");

        var body = await ErrorAssert.IsMatrixErrorAsync(response, HttpStatusCode.ServiceUnavailable, "M_UNKNOWN");
        Assert.Equal("unready", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Degraded_but_ready_while_redis_is_down()
    {
        await using var redis = await TestRedis.StartAsync();
        using var store = await RedisSharedStore.ConnectAsync(redis.Configuration, NullLogger.Instance);
        await using var app = await TestApp.StartAsync(services: s =>
            s.AddSingleton<IReadinessCheck>(new SharedStoreReadinessCheck(store)));
        Assert.Contains("\"ready\"", await app.Client.GetStringAsync("/health/ready"), StringComparison.Ordinal);

        await redis.StopAsync();
        await Eventually.HoldsAsync(() => Task.FromResult(!store.IsAvailable), "the outage is noticed");
        var response = await app.Client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("degraded", body.GetProperty("status").GetString());
        Assert.Equal("unavailable", body.GetProperty("checks").GetProperty("redis").GetString());
    }

    [Fact]
    public async Task Without_redis_the_in_process_store_is_reported()
    {
        using var store = new InProcessSharedStore();
        await using var app = await TestApp.StartAsync(services: s =>
            s.AddSingleton<IReadinessCheck>(new SharedStoreReadinessCheck(store)));

        var body = JsonDocument.Parse(await app.Client.GetStringAsync("/health/ready")).RootElement;

        Assert.Equal("ok", body.GetProperty("checks").GetProperty("in-process-cache").GetString());
    }
}
