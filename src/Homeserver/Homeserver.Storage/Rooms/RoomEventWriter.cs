using System.Collections.Immutable;
using Dapper;
using Homeserver.Core.Events;
using Homeserver.Services.Configuration;
using Homeserver.Services.Push;
using Homeserver.Services.Rooms;
using Homeserver.Storage.Push;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Homeserver.Storage.Rooms;

/// <summary>
/// Appends events to rooms: one writer per room in this process (the append queue's single loop) and across
/// processes (a transaction-scoped advisory lock on the room). Stream positions are assigned under a global lock held until
/// commit so they become visible in order; appends waiting at the same time share one transaction and one commit
/// (<see cref="RoomAppendQueue"/>), so rooms do not queue for the lock one commit at a time. Each room's head is
/// cached (<see cref="RoomHeads"/>, bounded by <see cref="RoomSettings.HeadCacheStateEntries"/>). Disposing it
/// finishes the appends already queued and refuses new ones: dispose it before the data source.
/// </summary>
public sealed class RoomEventWriter : IRoomEventWriter, IRoomHeadCache, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly RoomHeads _heads;
    private readonly StateGroupChains _chains = new();
    private readonly RoomAppendQueue _appends;
    private readonly IPushActionEvaluator? _pushActions;
    private readonly PushActionMover? _pushActionMover;

    public RoomEventWriter(NpgsqlDataSource dataSource, HomeserverSettings settings)
        : this(dataSource, (settings ?? throw new ArgumentNullException(nameof(settings))).Rooms.HeadCacheStateEntries)
    {
    }

    /// <param name="pushActions">Evaluates each event's push rules, so its push actions commit with it.</param>
    /// <param name="logger">Where a failed move of pending push actions is told.</param>
    public RoomEventWriter(NpgsqlDataSource dataSource, HomeserverSettings settings, IPushActionEvaluator pushActions,
        ILogger<RoomEventWriter> logger)
        : this(dataSource, (settings ?? throw new ArgumentNullException(nameof(settings))).Rooms.HeadCacheStateEntries,
            pushActions: pushActions, logger: logger)
    {
    }

    /// <param name="afterCommit">Tests only: runs after each successful COMMIT of an append group.</param>
    /// <param name="movePushActions">Tests only: false leaves push actions pending, as a crash right after the
    /// commit would.</param>
    internal RoomEventWriter(NpgsqlDataSource dataSource, int headCacheStateEntries, Func<Task>? afterCommit = null,
        IPushActionEvaluator? pushActions = null, ILogger? logger = null, bool movePushActions = true)
    {
        _dataSource = dataSource;
        _pushActions = pushActions;
        _heads = new RoomHeads(headCacheStateEntries);
        _pushActionMover = movePushActions ? new PushActionMover(dataSource, logger) : null;
        _appends = new RoomAppendQueue(dataSource, _heads, _chains, afterCommit, pushActions,
            _pushActionMover is { } mover ? mover.Request : null);
    }

    internal RoomHeads Heads => _heads;

    internal StateGroupChains Chains => _chains;

    /// <summary>Tests only: the mover of pending push actions (null when it was left out).</summary>
    internal PushActionMover? PushActionMover => _pushActionMover;

    public async ValueTask DisposeAsync()
    {
        await _appends.DisposeAsync();
        if (_pushActionMover is not null)
        {
            await _pushActionMover.DisposeAsync();
        }
    }

    public Task<IReadOnlyList<PersistedEvent>> AppendAsync(string roomId,
        Func<RoomHead, IReadOnlyList<NewRoomEvent>> decide, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decide);
        // Not cancellable once queued: the group holding this append decides and commits it or fails it.
        return _appends.SubmitAsync(roomId, decide);
    }

    public async Task<IReadOnlyList<PersistedEvent>> CreateRoomAsync(Pdu createEvent,
        Func<RoomHead, IReadOnlyList<NewRoomEvent>> decideRest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(createEvent);
        ArgumentNullException.ThrowIfNull(decideRest);
        var roomId = createEvent.RoomId;
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            RoomHeads.AddLock(batch, roomId);
            EventRows.Command(batch, """
                INSERT INTO rooms (room_id, room_version, creator, created_ts) VALUES ($1, $2, $3, $4)
                """, roomId, createEvent.Version.Id, createEvent.Sender, createEvent.OriginServerTs);
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        var empty = new RoomHead(roomId, createEvent.Version, [], ImmutableDictionary<TypeAndStateKey, Pdu>.Empty, 0,
            null);
        var events = new List<NewRoomEvent> { new(createEvent) };
        events.AddRange(decideRest(empty.After(createEvent)));
        var chains = _chains.Begin();
        var prepared = await EventPersistence.WithPushActionsAsync(_pushActions,
            await EventPersistence.PrepareAsync(connection, transaction, chains, empty, events, cancellationToken),
            cancellationToken);
        var written = await EventPersistence.WriteAsync(connection, transaction, [prepared], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        chains.Commit();
        _heads.Set(written[0].After);
        return written[0].Events;
    }

    public async Task<PersistedEvent?> CreateRoomFromJoinAsync(RemoteJoinSnapshot join,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(join);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var known = await RemoteRoomWrites.LockAndReadAsync(connection, transaction, join.RoomId,
            join.Outliers.Select(e => e.EventId).Append(join.Join.EventId), cancellationToken);
        var makesHead = !known.HasHead && !known.Stored.ContainsKey(join.Join.EventId);
        if (makesHead)
        {
            await RemoteRoomWrites.UpsertJoinedRoomAsync(connection, transaction, join, cancellationToken);
        }
        else if (!known.RoomExists)
        {
            throw new InvalidOperationException($"{join.Join.EventId} is stored but its room {join.RoomId} is not");
        }

        var empty = RemoteRoomWrites.EmptyHead(join.RoomId, join.Version);
        var events = RemoteRoomWrites.JoinEvents(join, known, makesHead);
        var chains = _chains.Begin();
        var prepared = await EventPersistence.PrepareAsync(connection, transaction, chains, empty, events,
            cancellationToken);
        var written = await EventPersistence.WriteAsync(connection, transaction, [prepared], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        chains.Commit();
        if (!makesHead)
        {
            return null;
        }

        _heads.Set(written[0].After);
        return written[0].Events.Single();
    }

    public async Task<PersistedEvent?> StoreOutOfBandMembershipAsync(Pdu membership,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(membership);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var known = await RemoteRoomWrites.LockAndReadAsync(connection, transaction, membership.RoomId,
            [membership.EventId], cancellationToken);
        if (known.Stored.ContainsKey(membership.EventId))
        {
            return null;
        }

        var position = await RemoteRoomWrites.StoreOutOfBandAsync(connection, transaction, membership,
            cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new PersistedEvent(membership, position);
    }

    public async Task<RoomHead?> GetHeadAsync(string roomId, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await RoomHeads.ReadRowAsync(connection, roomId, cancellationToken) is { } row
            ? await _heads.GetAsync(connection, null, row, cancellationToken, remember: false)
            : null;
    }

    public RoomHead? Peek(string roomId) => _heads.TryGet(roomId, out var head) ? head : null;

    public void Evict(string roomId) => _heads.Remove(roomId);

    public async Task<string?> FindTransactionAsync(ClientTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition("""
            SELECT event_id FROM event_txn_ids
            WHERE user_id = @UserId AND device_id = @DeviceId AND appservice_id = @AppServiceId AND txn_id = @TxnId
            """, new { transaction.Scope.UserId, transaction.Scope.DeviceId, transaction.Scope.AppServiceId, transaction.TxnId },
            cancellationToken: cancellationToken));
    }
}
