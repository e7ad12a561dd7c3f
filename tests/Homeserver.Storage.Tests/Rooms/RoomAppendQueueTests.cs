using Homeserver.Services.Shared;
using Homeserver.Storage.Rooms;
using Npgsql;

namespace Homeserver.Storage.Tests.Rooms;

/// <summary>The append queue's lifecycle (drained on dispose) and its answer to commits that failed ambiguously.</summary>
public sealed class RoomAppendQueueTests
{
    [Fact]
    public async Task Disposing_the_writer_commits_every_queued_append_before_the_data_source_goes()
    {
        var connectionString = await WriterRoom.MigratedDatabaseAsync();
        var dataSource = NpgsqlDataSource.Create(connectionString);
        var writer = new RoomEventWriter(dataSource, 100_000);
        var rooms = new[] { await WriterRoom.CreateAsync(writer), await WriterRoom.CreateAsync(writer) };

        var sends = Enumerable.Range(0, 200)
            .Select(i => WriterRoom.SendAsync(writer, rooms[i % 2], $"message {i}")).ToList();
        await writer.DisposeAsync();
        await dataSource.DisposeAsync();

        var results = await Task.WhenAll(sends);
        Assert.All(results, r => Assert.Single(r));
        Assert.Equal(100, await WriterRoom.CountAsync(connectionString, rooms[0], "m.room.message"));
        Assert.Equal(100, await WriterRoom.CountAsync(connectionString, rooms[1], "m.room.message"));
    }

    [Fact]
    public async Task An_append_after_shutdown_fails_as_unavailable_without_touching_the_database()
    {
        var connectionString = await WriterRoom.MigratedDatabaseAsync();
        var dataSource = NpgsqlDataSource.Create(connectionString);
        var writer = new RoomEventWriter(dataSource, 100_000);
        var room = await WriterRoom.CreateAsync(writer);
        await writer.DisposeAsync();
        await dataSource.DisposeAsync();

        await Assert.ThrowsAsync<ServiceUnavailableException>(() => WriterRoom.SendAsync(writer, room, "late"));
    }

    [Fact]
    public async Task A_state_event_whose_commit_went_through_but_was_not_acknowledged_is_stored_once()
    {
        var connectionString = await WriterRoom.MigratedDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var failures = 1;
        await using var writer = new RoomEventWriter(dataSource, 100_000, () => Interlocked.Decrement(ref failures) >= 0
            ? Task.FromException(new NpgsqlException("Connection broken after COMMIT", new IOException("reset")))
            : Task.CompletedTask);
        var room = await WriterRoom.CreateAsync(writer);

        var written = await WriterRoom.SetNameAsync(writer, room, "Once");

        Assert.Equal(0, Volatile.Read(ref failures)); // the failure was injected, once
        Assert.Equal(1, await WriterRoom.CountAsync(connectionString, room, "m.room.name"));
        Assert.Equal("Once", written.Single().Pdu.Content.GetProperty("name").GetString());
        var next = await WriterRoom.SendAsync(writer, room, "after");
        Assert.Equal([written.Single().Pdu.EventId], next.Single().Pdu.PrevEvents);
    }

    [Fact]
    public async Task A_group_whose_commit_was_not_acknowledged_is_answered_from_the_store_not_written_again()
    {
        var connectionString = await WriterRoom.MigratedDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var failures = 0;
        await using var writer = new RoomEventWriter(dataSource, 100_000, () => Interlocked.Decrement(ref failures) >= 0
            ? Task.FromException(new NpgsqlException("Connection broken after COMMIT", new IOException("reset")))
            : Task.CompletedTask);
        var rooms = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            rooms.Add(await WriterRoom.CreateAsync(writer));
        }

        Volatile.Write(ref failures, 1);
        var names = await Task.WhenAll(rooms.Select(room => WriterRoom.SetNameAsync(writer, room, room)));

        Assert.True(Volatile.Read(ref failures) <= 0); // the failure was injected
        for (var i = 0; i < rooms.Count; i++)
        {
            Assert.Equal(1, await WriterRoom.CountAsync(connectionString, rooms[i], "m.room.name"));
            Assert.Equal(rooms[i], names[i].Single().Pdu.Content.GetProperty("name").GetString());
        }
    }
}
