using Dapper;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Rooms.Delayed;
using Npgsql;

namespace Homeserver.Storage.Rooms;

/// <summary>The <c>delayed_events</c> table (migration 0020); its schema is described there.</summary>
public sealed class DelayedEventStore(NpgsqlDataSource dataSource) : IDelayedEventStore
{
    private const string Columns = """
        delay_id AS DelayId, user_id AS UserIdText, device_id AS DeviceId, room_id AS RoomId, event_type AS EventType,
        state_key AS StateKey, content AS Content, delay_ms AS DelayMs, running_since AS RunningSince, send_ts AS SendTs,
        finalised_ts AS FinalisedTs, outcome AS Outcome, reason AS Reason, error AS Error, event_id AS EventId
        """;

    private const string InsertSql = """
        INSERT INTO delayed_events (delay_id, user_id, device_id, txn_id, room_id, event_type, state_key, content,
                                    delay_ms, running_since, send_ts)
        VALUES (@DelayId, @UserIdText, @DeviceId, @TxnId, @RoomId, @EventType, @StateKey, @Content, @DelayMs,
                @RunningSince, @SendTs)
        ON CONFLICT (user_id, device_id, txn_id) DO NOTHING
        """;

    private const string SelectByTxnSql =
        "SELECT delay_id FROM delayed_events WHERE user_id = @UserIdText AND device_id = @DeviceId AND txn_id = @TxnId";

    private const string SelectSql = $"SELECT {Columns} FROM delayed_events WHERE delay_id = @delayId";

    private const string LockSql = $"SELECT {Columns} FROM delayed_events WHERE delay_id = @delayId FOR UPDATE";

    // SKIP LOCKED: an event another process is sending is not waited for, nor sent again.
    private const string LockNextDueSql = $"""
        SELECT {Columns} FROM delayed_events
        WHERE finalised_ts IS NULL AND send_ts <= @now
        ORDER BY send_ts LIMIT 1 FOR UPDATE SKIP LOCKED
        """;

    private const string ListSql = $"""
        SELECT {Columns} FROM delayed_events
        WHERE user_id = @userId AND (CAST(@scheduled AS boolean) IS NULL OR (finalised_ts IS NULL) = @scheduled)
        ORDER BY send_ts, delay_id
        """;

    private const string NextSendTsSql = "SELECT min(send_ts) FROM delayed_events WHERE finalised_ts IS NULL";

    private const string FinaliseSql = """
        UPDATE delayed_events SET finalised_ts = @now, outcome = @outcome, reason = @reason, event_id = @eventId,
                                  error = @error
        WHERE delay_id = @delayId AND finalised_ts IS NULL
        """;

    private const string RestartSql = """
        UPDATE delayed_events SET running_since = @now, send_ts = @now + delay_ms
        WHERE delay_id = @delayId AND finalised_ts IS NULL
        """;

    private const string CancelOverwrittenSql = """
        UPDATE delayed_events SET finalised_ts = @now, outcome = 'cancel', reason = 'error', error = @error
        WHERE room_id = @roomId AND event_type = @eventType AND state_key = @stateKey AND user_id <> @setBy
          AND finalised_ts IS NULL
        """;

    private const string PruneSql = "DELETE FROM delayed_events WHERE finalised_ts < @before";

    public async Task<string> ScheduleAsync(DelayedEvent delayed, string txnId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delayed);
        var row = new
        {
            delayed.DelayId, UserIdText = delayed.UserId.Value, delayed.DeviceId, TxnId = txnId, delayed.RoomId,
            delayed.EventType, delayed.StateKey, delayed.Content, delayed.DelayMs, delayed.RunningSince, delayed.SendTs,
        };
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(InsertSql, row,
            cancellationToken: cancellationToken));
        return inserted == 1
            ? delayed.DelayId
            : await connection.ExecuteScalarAsync<string>(new CommandDefinition(SelectByTxnSql, row,
                cancellationToken: cancellationToken)) ?? throw new InvalidOperationException("txn row vanished");
    }

    public async Task<DelayedEvent?> GetAsync(string delayId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(SelectSql, new { delayId },
            cancellationToken: cancellationToken));
        return row?.ToModel();
    }

    public async Task<IReadOnlyList<DelayedEvent>> ListAsync(UserId userId, bool? scheduled,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(ListSql,
            new { userId = userId.Value, scheduled }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToModel()).ToList();
    }

    public async Task<long?> NextSendTsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(NextSendTsSql,
            cancellationToken: cancellationToken));
    }

    public async Task<T?> WithLockedAsync<T>(string delayId,
        Func<DelayedEvent, Task<(DelayedEventOutcome? Outcome, T Result)>> decide, long nowTs,
        CancellationToken cancellationToken) where T : class
    {
        ArgumentNullException.ThrowIfNull(decide);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(LockSql, new { delayId },
            transaction, cancellationToken: cancellationToken));
        if (row is null)
        {
            return null;
        }

        var (outcome, result) = await decide(row.ToModel());
        if (outcome is not null)
        {
            await FinaliseAsync(connection, transaction, delayId, outcome, nowTs, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    public async Task<bool> WithNextDueAsync(Func<DelayedEvent, Task<DelayedEventOutcome>> send, long nowTs,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(send);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(LockNextDueSql,
            new { now = nowTs }, transaction, cancellationToken: cancellationToken));
        if (row is null)
        {
            return false;
        }

        var outcome = await send(row.ToModel());
        await FinaliseAsync(connection, transaction, row.DelayId, outcome, nowTs, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<bool> RestartAsync(string delayId, long nowTs, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(RestartSql, new { delayId, now = nowTs },
            cancellationToken: cancellationToken)) == 1;
    }

    public async Task CancelOverwrittenAsync(string roomId, string eventType, string stateKey, UserId setBy,
        string error, long nowTs, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(CancelOverwrittenSql,
            new { roomId, eventType, stateKey, setBy = setBy.Value, error, now = nowTs },
            cancellationToken: cancellationToken));
    }

    public async Task PruneFinalisedAsync(long beforeTs, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(PruneSql, new { before = beforeTs },
            cancellationToken: cancellationToken));
    }

    private static Task<int> FinaliseAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string delayId,
        DelayedEventOutcome outcome, long nowTs, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(FinaliseSql,
            new
            {
                delayId, now = nowTs, outcome = outcome.Outcome, reason = outcome.Reason, eventId = outcome.EventId,
                error = outcome.Error,
            }, transaction, cancellationToken: cancellationToken));

    private sealed record Row(string DelayId, string UserIdText, string DeviceId, string RoomId, string EventType,
        string? StateKey, string Content, long DelayMs, long RunningSince, long SendTs, long? FinalisedTs,
        string? Outcome, string? Reason, string? Error, string? EventId)
    {
        public DelayedEvent ToModel() => new(DelayId, UserId.Parse(UserIdText), DeviceId, RoomId, EventType, StateKey,
            Content, DelayMs, RunningSince, SendTs, FinalisedTs, Outcome, Reason, Error, EventId);
    }
}
