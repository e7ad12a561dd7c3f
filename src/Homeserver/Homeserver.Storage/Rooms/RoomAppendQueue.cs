using System.Data;
using System.Threading.Channels;
using Dapper;
using Homeserver.Core.Errors;
using Homeserver.Services.Push;
using Homeserver.Services.Rooms;
using Homeserver.Services.Shared;
using Npgsql;

namespace Homeserver.Storage.Rooms;

/// <summary>
/// Group commit of appends: every append waiting in this process goes into the next transaction, so that many rooms'
/// events share one commit (one WAL flush) while stream positions still become visible in order. Within a group,
/// rooms are locked in room ID order (every process does the same, so two groups cannot deadlock) and the global
/// stream lock comes last; several appends to one room go in arrival order, each decided on the head the previous
/// one left, so a busy room (a join storm, a crowded chat) also commits many events at once. A room's decision
/// failing (an auth error) fails that append alone; a database error retries the group's appends one by one so one
/// bad append cannot fail the others. An error during or after COMMIT leaves it unknown whether the group was
/// stored, so an append whose decided events are found stored is answered with them rather than written again.
/// Disposing stops taking appends (they fail with <see cref="ServiceUnavailableException"/>) and finishes every one
/// already queued, so the data source may be disposed after it.
/// </summary>
internal sealed class RoomAppendQueue : IAsyncDisposable
{
    private const int MaxGroup = 64;

    private readonly NpgsqlDataSource _dataSource;
    private readonly RoomHeads _heads;
    private readonly StateGroupChains _chains;
    private readonly Func<Task>? _afterCommit;
    private readonly IPushActionEvaluator? _pushActions;
    private readonly Action? _pushActionsWritten;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(
        new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    /// <param name="afterCommit">Tests only: runs after each successful COMMIT, to fail as a broken connection would.</param>
    /// <param name="pushActionsWritten">Called after a commit that wrote pending push actions (to move them).</param>
    public RoomAppendQueue(NpgsqlDataSource dataSource, RoomHeads heads, StateGroupChains chains,
        Func<Task>? afterCommit = null, IPushActionEvaluator? pushActions = null, Action? pushActionsWritten = null)
    {
        _dataSource = dataSource;
        _pushActions = pushActions;
        _pushActionsWritten = pushActionsWritten;
        _heads = heads;
        _chains = chains;
        _afterCommit = afterCommit;
        _loop = Task.Run(LoopAsync);
    }

    public Task<IReadOnlyList<PersistedEvent>> SubmitAsync(string roomId,
        Func<RoomHead, IReadOnlyList<NewRoomEvent>> decide)
    {
        var pending = new Pending(roomId, decide);
        return _queue.Writer.TryWrite(pending)
            ? pending.Completion.Task
            : Task.FromException<IReadOnlyList<PersistedEvent>>(
                new ServiceUnavailableException("The server is shutting down; try again"));
    }

    /// <summary>Refuses new appends, then waits until every queued one is committed or failed.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    private async Task LoopAsync()
    {
        var group = new List<Pending>(MaxGroup);
        while (await _queue.Reader.WaitToReadAsync())
        {
            group.Clear();
            while (group.Count < MaxGroup && _queue.Reader.TryRead(out var pending))
            {
                group.Add(pending);
            }

            await CommitGroupAsync(group);
        }
    }

    private async Task CommitGroupAsync(List<Pending> group)
    {
        Exception error;
        try
        {
            await CommitAsync(group, CancellationToken.None);
            return;
        }
#pragma warning disable CA1031 // the error belongs to the callers waiting for these appends
        catch (Exception e)
#pragma warning restore CA1031
        {
            error = e;
        }

        await CompleteStoredAsync(group);
        var left = group.Where(p => !p.Completion.Task.IsCompleted).ToList();
        if (group.Count > 1)
        {
            foreach (var pending in left)
            {
                await CommitGroupAsync([pending]);
            }
        }
        else
        {
            foreach (var pending in left)
            {
                pending.Completion.TrySetException(error);
            }
        }
    }

    /// <summary>
    /// After a failed attempt, answers each append whose events (as last decided) are stored: the COMMIT went
    /// through although the attempt failed (the connection broke while its answer was on the way). Without this a
    /// retry would decide again and store a second event (state events have no transaction ID to catch that).
    /// </summary>
    private async Task CompleteStoredAsync(List<Pending> group)
    {
        var decided = group.Where(p => !p.Completion.Task.IsCompleted && p.Decided is { Count: > 0 }).ToList();
        if (decided.Count == 0)
        {
            return;
        }

        Dictionary<string, long?> stored;
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync();
            stored = (await connection.QueryAsync<(string EventId, long? StreamOrdering)>(new CommandDefinition(
                    "SELECT event_id, stream_ordering FROM events WHERE event_id = ANY(@ids)",
                    new { ids = decided.SelectMany(p => p.Decided!).Select(e => e.Pdu.EventId).ToArray() })))
                .ToDictionary(r => r.EventId, r => r.StreamOrdering, StringComparer.Ordinal);
        }
#pragma warning disable CA1031 // unknown still: the appends are retried or fail with the first error
        catch (Exception)
#pragma warning restore CA1031
        {
            return;
        }

        foreach (var pending in decided.Where(p => p.Decided!.All(e => stored.ContainsKey(e.Pdu.EventId))))
        {
            pending.Completion.TrySetResult(pending.Decided!.Where(e => stored[e.Pdu.EventId] is not null)
                .Select(e => new PersistedEvent(e.Pdu, stored[e.Pdu.EventId]!.Value)).ToList());
        }
    }

    private async Task CommitAsync(List<Pending> group, CancellationToken cancellationToken)
    {
        // Stable: appends to one room keep their arrival order, each decided on the head the previous one left.
        var ordered = group.OrderBy(p => p.RoomId, StringComparer.Ordinal).ToList();
        foreach (var pending in ordered)
        {
            pending.Decided = null;
        }

        if (!await TryCommitOnCachedHeadsAsync(ordered, cancellationToken))
        {
            await CommitOnLockedHeadsAsync(ordered, cancellationToken);
        }
    }

    /// <summary>
    /// The common case in one round trip: every room's head is cached and every decision is messages only (no
    /// state group to write), so the decisions are made first and one batch begins, locks each room and checks
    /// its head is still the cached one (<c>assert_room_head</c>, migration 0012), writes, and commits. False
    /// (nothing written) when that does not apply or another process moved a head; the caller then locks and reads
    /// the heads first. A decision failing on a cached head is not trusted either (the head may be stale).
    /// </summary>
    private async Task<bool> TryCommitOnCachedHeadsAsync(List<Pending> ordered, CancellationToken cancellationToken)
    {
        var prepared = new List<EventPersistence.Prepared>(ordered.Count);
        var current = new Dictionary<string, RoomHead>(StringComparer.Ordinal);
        var cachedHeads = new List<RoomHead>();
        foreach (var pending in ordered)
        {
            if (!current.TryGetValue(pending.RoomId, out var head))
            {
                if (!_heads.TryGet(pending.RoomId, out head) || head.StateGroup is null)
                {
                    return false;
                }

                cachedHeads.Add(head);
            }

            IReadOnlyList<NewRoomEvent> events;
            try
            {
                events = pending.Decide(head);
                pending.Decided = events;
            }
#pragma warning disable CA1031 // decided again on the locked head, where the error counts
            catch (Exception)
#pragma warning restore CA1031
            {
                return false;
            }

            if (events.Count == 0 || events.Any(e => e.Pdu.IsState || e.Placement is not null))
            {
                return false;
            }

            var room = await EventPersistence.WithPushActionsAsync(_pushActions,
                EventPersistence.PrepareWithoutState(head, events), cancellationToken);
            prepared.Add(room);
            current[pending.RoomId] = room.After;
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        List<(IReadOnlyList<PersistedEvent> Events, RoomHead After)> written;
        await using (var batch = new NpgsqlBatch(connection))
        {
            EventRows.Command(batch, "BEGIN");
            foreach (var head in cachedHeads)
            {
                RoomHeads.AddLock(batch, head.RoomId);
                EventRows.Command(batch, "SELECT assert_room_head($1, $2)", head.RoomId, head.LastStream);
            }

            EventPersistence.AddWrites(batch, prepared);
            EventRows.Command(batch, "COMMIT");
            try
            {
                written = await EventPersistence.ReadResultsAsync(batch, prepared, cancellationToken);
            }
            catch (PostgresException e) when (connection.FullState == ConnectionState.Open)
            {
                // (A fatal error, such as the server shutting down, broke the connection: nothing to roll back.)
                await using var rollback = new NpgsqlCommand("ROLLBACK", connection);
                await rollback.ExecuteNonQueryAsync(cancellationToken);
                if (e.SqlState == "HS001")
                {
                    return false;
                }

                throw;
            }
        }

        await AfterCommitAsync(prepared);
        for (var i = 0; i < ordered.Count; i++)
        {
            _heads.Set(written[i].After);
            ordered[i].Completion.TrySetResult(written[i].Events);
        }

        return true;
    }

    private async Task CommitOnLockedHeadsAsync(List<Pending> ordered, CancellationToken cancellationToken)
    {
        foreach (var pending in ordered)
        {
            pending.Decided = null;
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rooms = ordered.Select(p => p.RoomId).Distinct(StringComparer.Ordinal).ToList();
        var rows = new Dictionary<string, RoomHeads.RoomRow?>(StringComparer.Ordinal);
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            foreach (var roomId in rooms)
            {
                RoomHeads.AddLockAndRead(batch, roomId);
            }

            var read = await RoomHeads.ReadRowsAsync(batch, rooms.Count, cancellationToken);
            for (var i = 0; i < rooms.Count; i++)
            {
                rows[rooms[i]] = read[i];
            }
        }

        var chains = _chains.Begin();
        var prepared = new List<(Pending Pending, EventPersistence.Prepared Room)>();
        var failed = new List<(Pending Pending, Exception Error)>();
        var empty = new List<Pending>();
        var current = new Dictionary<string, RoomHead>(StringComparer.Ordinal);
        foreach (var pending in ordered)
        {
            if (rows[pending.RoomId] is not { } row)
            {
                failed.Add((pending, new MatrixException(ErrorCode.NotFound, $"Unknown room {pending.RoomId}")));
                continue;
            }

            var head = current.GetValueOrDefault(pending.RoomId) ??
                       await _heads.GetAsync(connection, transaction, row, cancellationToken);
            IReadOnlyList<NewRoomEvent> events;
            try
            {
                events = pending.Decide(head);
                pending.Decided = events;
            }
#pragma warning disable CA1031 // a decision's error (auth, validation) fails its own append only
            catch (Exception e)
#pragma warning restore CA1031
            {
                failed.Add((pending, e));
                continue;
            }

            if (events.Count == 0)
            {
                empty.Add(pending);
                continue;
            }

            var room = await EventPersistence.WithPushActionsAsync(_pushActions,
                await EventPersistence.PrepareAsync(connection, transaction, chains, head, events, cancellationToken),
                cancellationToken);
            prepared.Add((pending, room));
            current[pending.RoomId] = room.After;
        }

        var written = prepared.Count == 0
            ? []
            : await EventPersistence.WriteAsync(connection, transaction, prepared.Select(p => p.Room).ToList(),
                cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        chains.Commit();
        await AfterCommitAsync(prepared.Select(p => p.Room));
        for (var i = 0; i < prepared.Count; i++)
        {
            _heads.Set(written[i].After);
            prepared[i].Pending.Completion.TrySetResult(written[i].Events);
        }

        foreach (var (pending, error) in failed)
        {
            pending.Completion.TrySetException(error);
        }

        foreach (var pending in empty)
        {
            pending.Completion.TrySetResult([]);
        }
    }

    private Task AfterCommitAsync(IEnumerable<EventPersistence.Prepared> written)
    {
        if (written.Any(EventPersistence.WritesPushActions))
        {
            _pushActionsWritten?.Invoke();
        }

        return _afterCommit?.Invoke() ?? Task.CompletedTask;
    }

    private sealed class Pending(string roomId, Func<RoomHead, IReadOnlyList<NewRoomEvent>> decide)
    {
        public string RoomId => roomId;

        public Func<RoomHead, IReadOnlyList<NewRoomEvent>> Decide => decide;

        /// <summary>The events the latest attempt decided (null before a decision or after a failed one).</summary>
        public IReadOnlyList<NewRoomEvent>? Decided { get; set; }

        public TaskCompletionSource<IReadOnlyList<PersistedEvent>> Completion { get; } =
            new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
