using System.Threading.Channels;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Homeserver.Storage.Push;

/// <summary>
/// Expands the one-row-per-event push actions of <c>event_push_actions_pending</c> (migration 0043) into
/// <c>event_push_actions</c> (a row per member, indexed for the readers) after the events' commit, off the append
/// queue's loop and outside the stream lock. One statement per batch deletes the pending rows and inserts their
/// expansion, so a reader (whose statement sees one snapshot) finds each action in exactly one of the two tables.
/// Rows locked by another process's mover are skipped (it moves them). A sweep runs when the writer starts (rows a
/// crash left between a commit and its move) and after every commit that wrote pending rows; a sweep that fails leaves
/// the rows where readers still count them, for the next sweep.
/// </summary>
internal sealed partial class PushActionMover : IAsyncDisposable
{
    // At most this many events per statement: a few thousand rows each in a big room.
    private const int EventsPerMove = 8;

    private const string MoveSql = """
        WITH moved AS (
            DELETE FROM event_push_actions_pending
            WHERE stream_ordering IN (SELECT stream_ordering FROM event_push_actions_pending
                                      ORDER BY stream_ordering LIMIT @limit FOR UPDATE SKIP LOCKED)
            RETURNING *
        ), inserted AS (
            INSERT INTO event_push_actions (user_id, room_id, event_id, stream_ordering, thread_id, notif, highlight,
                                            actions, ts)
            SELECT a.user_id, m.room_id, m.event_id, m.stream_ordering, a.thread_id, a.notif, a.highlight,
                   a.actions::jsonb, m.ts
            FROM moved m
            CROSS JOIN LATERAL unnest(m.user_ids, m.thread_ids, m.notifs, m.highlights, m.actions)
                AS a(user_id, thread_id, notif, highlight, actions)
            ON CONFLICT DO NOTHING
        )
        SELECT count(*) FROM moved
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger _logger;
    private readonly Channel<bool> _requests = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly TaskCompletionSource _recovered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _loop;

    public PushActionMover(NpgsqlDataSource dataSource, ILogger? logger)
    {
        _dataSource = dataSource;
        _logger = logger ?? NullLogger.Instance;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Completes when the sweep at start (rows left by a crash) has run.</summary>
    internal Task Recovered => _recovered.Task;

    /// <summary>Asks for a sweep (at once if none runs, else right after the running one).</summary>
    public void Request() => _requests.Writer.TryWrite(true);

    /// <summary>Stops after the running sweep; what is left pending is moved by the next writer to start.</summary>
    public async ValueTask DisposeAsync()
    {
        _requests.Writer.TryComplete();
        await _loop;
    }

    /// <summary>Moves every pending row not locked by another mover; the number of events moved.</summary>
    internal async Task<long> SweepAsync(CancellationToken cancellationToken)
    {
        long events = 0;
        while (true)
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            var moved = await connection.ExecuteScalarAsync<long>(new CommandDefinition(MoveSql,
                new { limit = EventsPerMove }, cancellationToken: cancellationToken));
            events += moved;
            if (moved < EventsPerMove)
            {
                return events;
            }
        }
    }

    private async Task LoopAsync()
    {
        await TrySweepAsync();
        _recovered.TrySetResult();
        while (await _requests.Reader.WaitToReadAsync())
        {
            _requests.Reader.TryRead(out _);
            await TrySweepAsync();
        }
    }

    private async Task TrySweepAsync()
    {
        try
        {
            await SweepAsync(CancellationToken.None);
        }
#pragma warning disable CA1031 // the rows stay pending, where readers count them, until the next sweep
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogSweepFailed(_logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Moving pending push actions into event_push_actions failed; the next sweep retries")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
