using System.Net;
using Homeserver.Host.Tests.Support;
using Npgsql;

namespace Homeserver.Host.Tests.Admin;

/// <summary>Synapse's background updates status, answered with our stream consumers and how far behind they are.</summary>
public sealed class AdminBackgroundJobTests(LiveServerFixture fixture) : AdminApiTests(fixture)
{
    private const string Status = "/_synapse/admin/v1/background_updates/status";

    [Fact]
    public async Task Status_lists_every_stream_consumer_with_its_position_and_lag_behind_the_stream_head()
    {
        var admin = await Server.RegisterAdminAsync();
        await admin.CreateRoomAsync();
        await using var dataSource = NpgsqlDataSource.Create(Server.ConnectionString);
        await using (var behind = dataSource.CreateCommand(
                         "INSERT INTO stream_consumers (name, position, updated_ts) VALUES ('test.behind', 0, 1)"))
        {
            await behind.ExecuteNonQueryAsync();
        }

        var body = await MatrixAssert.OkAsync(await admin.Client.GetAsync(Status));

        Assert.True(body.GetProperty("enabled").GetBoolean());
        Assert.Empty(body.GetProperty("current_updates").EnumerateObject());
        var head = body.GetProperty("stream_head").GetInt64();
        Assert.True(head > 0);
        var consumers = body.GetProperty("stream_consumers").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.Equal(head, consumers["test.behind"].GetProperty("lag").GetInt64());
        Assert.Contains(consumers.Keys, name => name != "test.behind");
        Assert.All(consumers.Values, c => Assert.Equal(head - c.GetProperty("position").GetInt64(),
            c.GetProperty("lag").GetInt64()));
    }

    [Fact]
    public async Task Status_refuses_a_non_admin()
    {
        var user = await Server.RegisterAsync();

        await MatrixAssert.ErrorAsync(await user.Client.GetAsync(Status), HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }
}
