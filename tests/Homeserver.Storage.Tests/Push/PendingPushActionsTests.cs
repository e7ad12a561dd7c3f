using Dapper;
using Homeserver.Services.Push;
using Homeserver.Services.Rooms;
using Homeserver.Storage.Push;
using Homeserver.Storage.Rooms;
using Homeserver.Storage.Tests.Rooms;
using Npgsql;

namespace Homeserver.Storage.Tests.Push;

/// <summary>
/// Push actions commit with their event as one pending row (migration 0043) and are moved into
/// <c>event_push_actions</c> after the commit: every reader counts them in either place, and rows a crash left
/// pending are moved when the writer starts.
/// </summary>
public sealed class PendingPushActionsTests
{
    private const string Bob = "@bob:test.local";
    private const string Carol = "@carol:test.local";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Unread_counts_notifications_and_pushers_include_actions_not_yet_moved()
    {
        var connectionString = await WriterRoom.MigratedDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var writer = new RoomEventWriter(dataSource, 100_000, pushActions: new BobAndCarol(),
            movePushActions: false);
        var room = await WriterRoom.CreateAsync(writer);
        var first = (await WriterRoom.SendAsync(writer, room, "one")).Single();
        var second = (await WriterRoom.SendAsync(writer, room, "two")).Single();

        Assert.Equal((2L, 0L), await RowsAsync(dataSource));
        var store = new PushActionStore(dataSource);
        var bob = Assert.Single(await store.GetUnreadCountsAsync(Bob, [room], CancellationToken.None));
        Assert.Equal((room, "main", 2L, 0L, second.StreamOrdering),
            (bob.RoomId, bob.ThreadId, bob.Notifications, bob.Highlights, bob.Newest));
        var carol = Assert.Single(await store.GetUnreadCountsAsync(Carol, [room], CancellationToken.None));
        Assert.Equal((2L, 2L), (carol.Notifications, carol.Highlights));
        var listed = await store.GetNotificationsAsync(Bob, long.MaxValue, 10, false, CancellationToken.None);
        Assert.Equal([second.Pdu.EventId, first.Pdu.EventId], listed.Select(n => n.EventId));
        Assert.Equal("[\"notify\"]", listed[0].ActionsJson);
        Assert.Single(await store.GetNotificationsAsync(Bob, second.StreamOrdering, 10, false, CancellationToken.None));
        Assert.Empty(await store.GetNotificationsAsync(Bob, long.MaxValue, 10, true, CancellationToken.None));
        var pushed = await new PusherStore(dataSource).GetPendingAsync(Bob, first.StreamOrdering, 10,
            CancellationToken.None);
        Assert.Equal(second.Pdu.EventId, Assert.Single(pushed).EventId);
    }

    [Fact]
    public async Task Push_actions_left_pending_by_a_crash_are_moved_when_the_writer_starts()
    {
        var connectionString = await WriterRoom.MigratedDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        string room;
        PersistedEvent sent;
        await using (var crashed = new RoomEventWriter(dataSource, 100_000, pushActions: new BobAndCarol(),
                         movePushActions: false))
        {
            room = await WriterRoom.CreateAsync(crashed);
            sent = (await WriterRoom.SendAsync(crashed, room, "before the crash")).Single();
        }

        Assert.Equal((1L, 0L), await RowsAsync(dataSource));
        await using var restarted = new RoomEventWriter(dataSource, 100_000, pushActions: new BobAndCarol());
        await restarted.PushActionMover!.Recovered.WaitAsync(Patience);

        Assert.Equal((0L, 2L), await RowsAsync(dataSource));
        await using var connection = await dataSource.OpenConnectionAsync();
        var moved = (await connection.QueryAsync<(string UserId, string EventId, long StreamOrdering, bool Highlight)>(
            "SELECT user_id, event_id, stream_ordering, highlight FROM event_push_actions ORDER BY user_id")).ToList();
        Assert.Equal([(Bob, sent.Pdu.EventId, sent.StreamOrdering, false),
            (Carol, sent.Pdu.EventId, sent.StreamOrdering, true)], moved);
        var bob = Assert.Single(await new PushActionStore(dataSource).GetUnreadCountsAsync(Bob, [room],
            CancellationToken.None));
        Assert.Equal(1L, bob.Notifications);
    }

    [Fact]
    public async Task Every_commit_is_followed_by_a_move_of_its_push_actions_with_the_events_positions()
    {
        var connectionString = await WriterRoom.MigratedDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var writer = new RoomEventWriter(dataSource, 100_000, pushActions: new BobAndCarol());
        var room = await WriterRoom.CreateAsync(writer);
        var sent = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => WriterRoom.SendAsync(writer, room, $"m{i}")));
        await writer.DisposeAsync();

        Assert.Equal((0L, 80L), await RowsAsync(dataSource));
        await using var connection = await dataSource.OpenConnectionAsync();
        var positions = (await connection.QueryAsync<(string EventId, long StreamOrdering)>(
            "SELECT event_id, stream_ordering FROM event_push_actions WHERE user_id = @Bob", new { Bob }))
            .ToDictionary(r => r.EventId, r => r.StreamOrdering);
        Assert.Equal(sent.Select(s => s.Single()).ToDictionary(e => e.Pdu.EventId, e => e.StreamOrdering), positions);
    }

    private static async Task<(long Pending, long Moved)> RowsAsync(NpgsqlDataSource dataSource)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleAsync<(long, long)>("""
            SELECT (SELECT count(*) FROM event_push_actions_pending), (SELECT count(*) FROM event_push_actions)
            """);
    }

    /// <summary>Every message notifies Bob, and Carol with a highlight; nothing else notifies.</summary>
    private sealed class BobAndCarol : IPushActionEvaluator
    {
        public Task<IReadOnlyList<EventPushActions>> EvaluateAsync(RoomHead head,
            IReadOnlyList<NewRoomEvent> events, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<EventPushActions>>(events.Select(e =>
                e.Pdu.Type == "m.room.message"
                    ? new EventPushActions(
                    [
                        new PushAction(Bob, "main", true, false, "[\"notify\"]"),
                        new PushAction(Carol, "main", true, true,
                            "[\"notify\",{\"set_tweak\":\"highlight\"}]"),
                    ])
                    : EventPushActions.None).ToList());
    }
}
