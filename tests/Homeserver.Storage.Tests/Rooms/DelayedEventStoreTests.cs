using Homeserver.Core.Identifiers;
using Homeserver.Services.Rooms.Delayed;
using Homeserver.Storage.Migrations;
using Homeserver.Storage.Rooms;
using Homeserver.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Homeserver.Storage.Tests.Rooms;

public sealed class DelayedEventStoreTests
{
    [Fact]
    public async Task A_due_event_another_process_is_sending_is_skipped_not_sent_again()
    {
        await using var dataSource = NpgsqlDataSource.Create(await (await TestPostgres.SharedAsync()).CreateDatabaseAsync());
        await new Migrator(dataSource, NullLogger<Migrator>.Instance).ApplyAsync(CancellationToken.None);
        var store = new DelayedEventStore(dataSource);
        var user = UserId.Parse("@alice:test.local");
        await store.ScheduleAsync(new DelayedEvent("syd_1", user, "DEV", "!r:test.local", "m.room.message", null, "{}",
            1000, 0, 1000, null, null, null, null, null), "txn1", CancellationToken.None);

        var holding = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var first = store.WithNextDueAsync(async delayed =>
        {
            holding.SetResult();
            await release.Task;
            return new DelayedEventOutcome("send", "delay", "$sent", null);
        }, 2000, CancellationToken.None);
        await holding.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var second = await store.WithNextDueAsync(_ => throw new InvalidOperationException("sent twice"), 2000,
            CancellationToken.None);
        release.SetResult();

        Assert.False(second);
        Assert.True(await first.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("$sent", (await store.GetAsync("syd_1", CancellationToken.None))!.EventId);
        Assert.False(await store.WithNextDueAsync(_ => throw new InvalidOperationException("sent again"), 3000,
            CancellationToken.None));
    }
}
