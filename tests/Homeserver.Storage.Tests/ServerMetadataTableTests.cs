using Homeserver.Core.Identifiers;
using Homeserver.Services.Configuration;
using Homeserver.Storage.Migrations;
using Homeserver.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Homeserver.Storage.Tests;

public sealed class ServerMetadataTableTests
{
    [Fact]
    public async Task The_server_name_is_recorded_once_and_a_different_one_is_refused()
    {
        await using var dataSource = NpgsqlDataSource.Create(await (await TestPostgres.SharedAsync()).CreateDatabaseAsync());
        await new Migrator(dataSource, NullLogger<Migrator>.Instance).ApplyAsync(CancellationToken.None);
        var table = new ServerMetadataTable(dataSource);

        await table.EnsureServerNameAsync(ServerName.Parse("example.org"), CancellationToken.None);
        await table.EnsureServerNameAsync(ServerName.Parse("example.org"), CancellationToken.None);
        var error = await Assert.ThrowsAsync<InvalidSettingException>(() =>
            table.EnsureServerNameAsync(ServerName.Parse("other.example"), CancellationToken.None));

        Assert.Equal("Homeserver:ServerName", error.Key);
        Assert.Contains("example.org", error.Message, StringComparison.Ordinal);
        Assert.Equal("example.org", await table.GetAsync("server_name", CancellationToken.None));
    }
}
