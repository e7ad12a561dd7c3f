using Homeserver.Core.Identifiers;
using Homeserver.Services.OAuth;
using Homeserver.Storage.Migrations;
using Homeserver.Storage.OAuth;
using Homeserver.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Homeserver.Storage.Tests.OAuth;

public sealed class AuthorizationRequestStoreTests
{
    private static readonly UserId Alice = UserId.Parse("@alice:test.local");

    [Fact]
    public async Task Of_two_concurrent_exchanges_of_a_code_exactly_one_sees_it_unused()
    {
        var (store, dataSource) = await StoreWithRequestAsync("req1");
        await using var disposeAfter = dataSource;
        Assert.True(await store.SetCodeAsync("req1", Alice, [1, 2, 3], 2_000, 1_000, CancellationToken.None));

        var exchanges = await Task.WhenAll(Enumerable.Range(0, 4)
            .Select(_ => store.ConsumeCodeAsync([1, 2, 3], CancellationToken.None)));

        Assert.Single(exchanges, e => e is { AlreadyExchanged: false });
        Assert.All(exchanges, e => Assert.Equal(Alice, e!.Request.UserId));
        Assert.Null(await store.ConsumeCodeAsync([9], CancellationToken.None));
    }

    [Fact]
    public async Task A_request_gets_one_code_and_is_gone_once_expired()
    {
        var (store, dataSource) = await StoreWithRequestAsync("req2");
        await using var disposeAfter = dataSource;

        Assert.True(await store.SetCodeAsync("req2", Alice, [4], 2_000, 1_000, CancellationToken.None));
        Assert.False(await store.SetCodeAsync("req2", Alice, [5], 2_000, 1_000, CancellationToken.None));
        Assert.NotNull(await store.GetAsync("req2", 1_000, CancellationToken.None));
        Assert.Null(await store.GetAsync("req2", 60_000, CancellationToken.None));
    }

    private static async Task<(AuthorizationRequestStore Store, NpgsqlDataSource DataSource)> StoreWithRequestAsync(
        string requestId)
    {
        var dataSource = NpgsqlDataSource.Create(await (await TestPostgres.SharedAsync()).CreateDatabaseAsync());
        await new Migrator(dataSource, NullLogger<Migrator>.Instance).ApplyAsync(CancellationToken.None);
        await using (var command = dataSource.CreateCommand(
                         "INSERT INTO users (user_id, created_ts) VALUES ('@alice:test.local', 0)"))
        {
            await command.ExecuteNonQueryAsync();
        }

        var metadata = OAuthClientMetadata.Validate(System.Text.Json.JsonDocument.Parse(
            """{"client_uri": "https://client.example/", "redirect_uris": ["https://client.example/cb"]}""").RootElement);
        await new OAuthClientStore(dataSource).AddAsync("client1", metadata, 0, CancellationToken.None);
        var store = new AuthorizationRequestStore(dataSource);
        await store.AddAsync(new AuthorizationRequest(requestId, "client1", "https://client.example/cb",
            "urn:matrix:client:api:* urn:matrix:client:device:D1", "D1", "state", "query", new string('c', 43), [7],
            30_000, null), 1_000, CancellationToken.None);
        return (store, dataSource);
    }
}
