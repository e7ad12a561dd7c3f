using System.Collections.Concurrent;
using Dapper;
using Homeserver.Core.Events;
using Homeserver.Services.Accounts;
using Homeserver.Services.Rooms;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Homeserver.Storage.Rooms;

/// <summary>Reads events, state and memberships from the tables of migration 0003.</summary>
public sealed partial class RoomEventReader(NpgsqlDataSource dataSource, StateGroupCache stateGroups,
    ILogger<RoomEventReader> logger) : IRoomEventReader
{
    // Membership events stored out of band (outliers with a position: an invite from another server, its rejection)
    // are the timeline of a room known only that way; once the room has its head here (we joined), they are not.
    private const string InTimeline = "(NOT e.outlier OR rm.out_of_band)";

    internal const string CurrentStreamSql = "SELECT COALESCE(max(stream_ordering), 0) FROM events";

    private const string EventColumns = """
        SELECT e.event_id AS EventId, e.json AS Json, e.stream_ordering AS StreamOrdering,
               e.replaces_state AS ReplacesState, rm.room_version AS RoomVersion,
               r.event_id AS RedactionId, r.json AS RedactionJson,
               t.user_id AS TxnUserId, t.device_id AS TxnDeviceId,
               t.appservice_id AS TxnAppServiceId, t.txn_id AS TxnId
        FROM events e
        JOIN rooms rm ON rm.room_id = e.room_id
        LEFT JOIN events r ON r.event_id = e.redacted_by
        LEFT JOIN event_txn_ids t ON t.event_id = e.event_id
        """;

    private readonly ConcurrentDictionary<string, RoomVersion> _versions = new(StringComparer.Ordinal);

    public async Task<RoomVersion?> GetRoomVersionAsync(string roomId, CancellationToken cancellationToken)
    {
        if (_versions.TryGetValue(roomId, out var known))
        {
            return known;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var id = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT room_version FROM rooms WHERE room_id = @roomId", new { roomId }, cancellationToken: cancellationToken));
        if (id is null || !RoomVersions.TryGet(id, out var version))
        {
            return null;
        }

        _versions[roomId] = version;
        return version;
    }

    public async Task<StoredEvent?> GetEventAsync(string eventId, CancellationToken cancellationToken)
    {
        var found = await GetEventsAsync([eventId], cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    public async Task<IReadOnlyList<StoredEvent>> GetEventsAsync(IReadOnlyCollection<string> eventIds,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(eventIds);
        if (eventIds.Count == 0)
        {
            return [];
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await QueryAsync(connection, EventColumns + " WHERE e.event_id = ANY(@ids)",
            new { ids = eventIds.ToArray() }, cancellationToken);
    }

    public async Task<IReadOnlyList<StoredEvent>> GetCurrentStateAsync(string roomId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await QueryAsync(connection,
            EventColumns + " WHERE e.event_id IN (SELECT event_id FROM current_state WHERE room_id = @roomId)",
            new { roomId }, cancellationToken);
    }

    public async Task<IReadOnlyDictionary<TypeAndStateKey, string>> GetStateIdsAfterAsync(string eventId,
        CancellationToken cancellationToken)
    {
        // Every sync woken by one event asks for the state before it: from memory once the first has read it.
        if (stateGroups.TryGetEventGroup(eventId, out var known) && stateGroups.TryGetInMemory(known, out var cached))
        {
            return cached;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var group = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
            "SELECT state_group FROM events WHERE event_id = @eventId", new { eventId },
            cancellationToken: cancellationToken));
        if (group is null)
        {
            return new Dictionary<TypeAndStateKey, string>();
        }

        stateGroups.RememberEventGroup(eventId, group.Value);
        return await stateGroups.ResolveAsync(connection, group.Value, cancellationToken);
    }

    public async Task<(string Membership, string EventId)?> GetMembershipAsync(string roomId, string userId,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<(string Membership, string EventId)?>(new CommandDefinition(
            "SELECT membership, event_id FROM room_memberships WHERE room_id = @roomId AND user_id = @userId",
            new { roomId, userId }, cancellationToken: cancellationToken));
        return row;
    }

    public async Task<IReadOnlyList<string>> GetJoinedRoomsAsync(string userId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT room_id FROM room_memberships WHERE user_id = @userId AND membership = 'join' ORDER BY room_id",
            new { userId }, cancellationToken: cancellationToken))).ToList();
    }

    public async Task<IReadOnlyList<StoredEvent>> GetRoomEventsAsync(string roomId, long fromStream, bool forwards,
        int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var sql = EventColumns + (forwards
            ? " WHERE e.room_id = @roomId AND e.stream_ordering > @fromStream AND " + InTimeline +
              " ORDER BY e.stream_ordering ASC LIMIT @limit"
            : " WHERE e.room_id = @roomId AND e.stream_ordering < @fromStream AND " + InTimeline +
              " ORDER BY e.stream_ordering DESC LIMIT @limit");
        return await QueryAsync(connection, sql, new { roomId, fromStream, limit }, cancellationToken);
    }

    public async Task<long> GetCurrentStreamAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(CurrentStreamSql,
            cancellationToken: cancellationToken));
    }

    private async Task<IReadOnlyList<StoredEvent>> QueryAsync(NpgsqlConnection connection, string sql,
        object parameters, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<EventRow>(new CommandDefinition(sql, parameters,
            cancellationToken: cancellationToken));
        return rows.Select(r => r.ToStoredEvent(logger)).ToList();
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Stored event {EventId} nests deeper than responses can carry; served pruned as if redacted")]
    private static partial void LogPruned(ILogger logger, string eventId);

    private sealed class EventRow
    {
        public string EventId { get; set; } = "";

        public string Json { get; set; } = "";

        public long? StreamOrdering { get; set; }

        public string? ReplacesState { get; set; }

        public string RoomVersion { get; set; } = "";

        public string? RedactionId { get; set; }

        public string? RedactionJson { get; set; }

        public string? TxnUserId { get; set; }

        public string? TxnDeviceId { get; set; }

        public string? TxnAppServiceId { get; set; }

        public string? TxnId { get; set; }

        public StoredEvent ToStoredEvent(ILogger logger)
        {
            var version = RoomVersions.TryGet(RoomVersion, out var v) ? v
                : throw new InvalidOperationException($"unknown room version {RoomVersion}");
            var redaction = RedactionId is null ? null : Pdu.FromTrusted(RedactionJson!, version, RedactionId);
            var transaction = TxnId is null ? null : new ClientTransaction(
                new TransactionScope(TxnUserId!, TxnDeviceId!, TxnAppServiceId!), TxnId);
            var json = ServableEventJson.Of(Json, version, out var pruned);
            if (pruned)
            {
                LogPruned(logger, EventId);
            }

            return new StoredEvent(Pdu.FromTrusted(json, version, EventId), StreamOrdering, redaction, ReplacesState,
                transaction);
        }
    }
}
