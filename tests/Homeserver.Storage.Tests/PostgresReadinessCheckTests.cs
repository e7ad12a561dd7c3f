using Homeserver.Testing;
using Npgsql;

namespace Homeserver.Storage.Tests;

public sealed class PostgresReadinessCheckTests
{
    [Fact]
    public async Task Ready_when_postgres_answers()
    {
        await using var dataSource = NpgsqlDataSource.Create(await (await TestPostgres.SharedAsync()).CreateDatabaseAsync());

        var result = await new PostgresReadinessCheck(dataSource).CheckAsync(CancellationToken.None);

        Assert.True(result.Healthy);
    }

    [Fact]
    public async Task Not_ready_when_postgres_is_unreachable()
    {
        using var directory = new TempDirectory();
        await using var dataSource = NpgsqlDataSource.Create($"Host={directory.Path};Username=x;Database=x;Timeout=2");

        var result = await new PostgresReadinessCheck(dataSource).CheckAsync(CancellationToken.None);

        Assert.False(result.Healthy);
        Assert.NotEmpty(result.Detail);
    }
}
