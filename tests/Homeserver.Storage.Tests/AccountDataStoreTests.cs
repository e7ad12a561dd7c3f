using Homeserver.Core.Identifiers;
using Homeserver.Storage.Accounts;
using Homeserver.Storage.Migrations;
using Homeserver.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Homeserver.Storage.Tests;

public sealed class AccountDataStoreTests
{
    [Fact]
    public async Task A_write_waits_for_an_earlier_position_to_commit_so_positions_appear_in_order()
    {
        await using var dataSource = NpgsqlDataSource.Create(await (await TestPostgres.SharedAsync()).CreateDatabaseAsync());
        await new Migrator(dataSource, NullLogger<Migrator>.Instance).ApplyAsync(CancellationToken.None);
        var store = new AccountDataStore(dataSource);
        var user = UserId.Parse("@alice:test.local");

        // Another writer holds the stream lock, as a write between taking its position and committing does.
        await using var other = await dataSource.OpenConnectionAsync();
        await using var transaction = await other.BeginTransactionAsync();
        await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", other, transaction))
        {
            command.Parameters.AddWithValue("key", AccountDataStore.StreamLockKey);
            await command.ExecuteNonQueryAsync();
        }

        var write = store.PutAsync(user, null, "org.example.x", "{}", CancellationToken.None);
        await Task.Delay(300);
        Assert.False(write.IsCompleted);
        await transaction.CommitAsync();

        Assert.True(await write.WaitAsync(TimeSpan.FromSeconds(10)) > 0);
    }
}
