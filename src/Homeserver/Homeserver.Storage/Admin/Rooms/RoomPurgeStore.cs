using Dapper;
using Homeserver.Services.Admin.Rooms;
using Npgsql;

namespace Homeserver.Storage.Admin.Rooms;

/// <summary>
/// Deletes rooms and history for the admin API, each in one transaction. A purged room leaves no row in any table
/// keyed by the room (or by its events, or its state groups); users' own data that merely mentions it (key backups)
/// stays. History purges keep every state event (the state groups of the events that remain refer to them) and the
/// forward extremities (the next event's prev events), and the bulk push rows (migration 0044): unread counts are
/// differences of their running totals, and a notification whose event is gone is left out where it is read.
/// </summary>
public sealed class RoomPurgeStore(NpgsqlDataSource dataSource) : IRoomPurgeStore
{
    private const string PurgeRoomSql = """
        CREATE TEMP TABLE purged_events ON COMMIT DROP AS SELECT event_id FROM events WHERE room_id = @roomId;
        DELETE FROM event_edges WHERE event_id IN (SELECT event_id FROM purged_events);
        DELETE FROM event_auth WHERE event_id IN (SELECT event_id FROM purged_events);
        DELETE FROM event_txn_ids WHERE event_id IN (SELECT event_id FROM purged_events);
        DELETE FROM event_push_actions WHERE room_id = @roomId;
        DELETE FROM event_push_actions_pending WHERE room_id = @roomId;
        DELETE FROM event_push_bulk WHERE room_id = @roomId;
        DELETE FROM event_push_bulk_exceptions WHERE room_id = @roomId;
        DELETE FROM receipts WHERE room_id = @roomId;
        DELETE FROM forward_extremities WHERE room_id = @roomId;
        DELETE FROM current_state WHERE room_id = @roomId;
        DELETE FROM room_memberships WHERE room_id = @roomId;
        DELETE FROM room_aliases WHERE room_id = @roomId;
        DELETE FROM reports WHERE room_id = @roomId;
        DELETE FROM delayed_events WHERE room_id = @roomId;
        DELETE FROM federation_outbound_pdus WHERE room_id = @roomId;
        DELETE FROM account_data WHERE room_id = @roomId;
        DELETE FROM user_directory_public_rooms WHERE room_id = @roomId;
        DELETE FROM live_slow_mode_posts WHERE room_id = @roomId;
        DELETE FROM live_gallery_items WHERE room_id = @roomId;
        DELETE FROM live_webhooks WHERE room_id = @roomId;
        DELETE FROM live_join_passwords WHERE room_id = @roomId;
        DELETE FROM live_invite_links WHERE room_id = @roomId;
        DELETE FROM events WHERE room_id = @roomId;
        DELETE FROM state_group_entries WHERE state_group IN (SELECT id FROM state_groups WHERE room_id = @roomId);
        DELETE FROM state_groups WHERE room_id = @roomId;
        DELETE FROM rooms WHERE room_id = @roomId;
        """;

    private const string PurgeHistorySql = """
        CREATE TEMP TABLE purged_events ON COMMIT DROP AS
        SELECT e.event_id FROM events e
        WHERE e.room_id = @roomId AND e.stream_ordering < @beforeStream AND e.state_key IS NULL
          AND NOT EXISTS (SELECT 1 FROM forward_extremities f WHERE f.room_id = @roomId AND f.event_id = e.event_id)
          AND (@deleteLocalEvents OR substring(e.sender FROM position(':' IN e.sender) + 1) <> @serverName);
        DELETE FROM event_edges WHERE event_id IN (SELECT event_id FROM purged_events);
        DELETE FROM event_auth WHERE event_id IN (SELECT event_id FROM purged_events);
        DELETE FROM event_txn_ids WHERE event_id IN (SELECT event_id FROM purged_events);
        DELETE FROM event_push_actions WHERE room_id = @roomId AND event_id IN (SELECT event_id FROM purged_events);
        DELETE FROM event_push_actions_pending
        WHERE room_id = @roomId AND event_id IN (SELECT event_id FROM purged_events);
        DELETE FROM events WHERE event_id IN (SELECT event_id FROM purged_events);
        """;

    public async Task<bool> PurgeRoomAsync(string roomId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var known = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM rooms WHERE room_id = @roomId)", new { roomId }, transaction,
            cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(PurgeRoomSql, new { roomId }, transaction,
            cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return known;
    }

    public async Task<int> PurgeHistoryAsync(string roomId, long beforeStream, bool deleteLocalEvents,
        string serverName, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(PurgeHistorySql,
            new { roomId, beforeStream, deleteLocalEvents, serverName }, transaction, cancellationToken: cancellationToken));
        var purged = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT count(*)::int FROM purged_events", transaction: transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return purged;
    }
}
