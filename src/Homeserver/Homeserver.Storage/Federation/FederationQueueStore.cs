using Dapper;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Federation.Sending;
using Npgsql;

namespace Homeserver.Storage.Federation;

/// <summary>
/// The federation sender's queue (migration 0028): <c>federation_destinations</c> (lease, transaction in flight, last
/// successful PDU position), <c>federation_outbound_pdus</c> (destination, stream_ordering, room_id, event_id) and
/// <c>federation_outbound_edus</c> (destination, id, edu_type, content).
/// </summary>
public sealed class FederationQueueStore(NpgsqlDataSource dataSource) : IFederationQueueStore
{
    private const string EnsureDestinationsSql = """
        INSERT INTO federation_destinations (destination) SELECT unnest(@destinations) ON CONFLICT DO NOTHING
        """;

    private const string EnqueuePdusSql = """
        INSERT INTO federation_outbound_pdus (destination, stream_ordering, room_id, event_id)
        SELECT * FROM unnest(@destinations, @positions, @roomIds, @eventIds)
        ON CONFLICT DO NOTHING
        """;

    private const string EnqueueEduSql = """
        INSERT INTO federation_outbound_edus (destination, edu_type, content)
        SELECT unnest(@destinations), @eduType, @content
        """;

    private const string WithWorkSql = """
        SELECT destination FROM federation_destinations d
        WHERE d.txn_id IS NOT NULL
           OR EXISTS (SELECT 1 FROM federation_outbound_pdus p WHERE p.destination = d.destination)
           OR EXISTS (SELECT 1 FROM federation_outbound_edus e WHERE e.destination = d.destination)
        """;

    private const string LeaseSql = """
        INSERT INTO federation_destinations AS d (destination, lease_owner, lease_until_ts)
        VALUES (@destination, @owner, @until)
        ON CONFLICT (destination) DO UPDATE SET lease_owner = @owner, lease_until_ts = @until
        WHERE d.lease_owner IS NULL OR d.lease_owner = @owner OR d.lease_until_ts <= @now
        """;

    private const string ReleaseSql = """
        UPDATE federation_destinations SET lease_owner = NULL, lease_until_ts = 0
        WHERE destination = @destination AND lease_owner = @owner
        """;

    private const string PendingSql = """
        SELECT txn_id AS TxnId, txn_body AS Body, txn_pdus AS Pdus, txn_edus AS Edus
        FROM federation_destinations WHERE destination = @destination AND txn_id IS NOT NULL
        """;

    private const string ReadPdusSql = """
        SELECT q.stream_ordering AS Position, q.event_id AS EventId, e.json AS Json, e.redacted_by AS RedactedBy,
               rm.room_version AS RoomVersion
        FROM federation_outbound_pdus q
        LEFT JOIN events e ON e.event_id = q.event_id
        LEFT JOIN rooms rm ON rm.room_id = q.room_id
        WHERE q.destination = @destination
        ORDER BY q.stream_ordering
        LIMIT @maxPdus
        """;

    private const string ReadEdusSql = """
        SELECT id AS Id, edu_type AS EduType, content AS Content FROM federation_outbound_edus
        WHERE destination = @destination ORDER BY id LIMIT @maxEdus
        """;

    private const string SavePendingSql = """
        UPDATE federation_destinations
        SET txn_count = txn_count + 1, txn_id = @prefix || (txn_count + 1)::text, txn_body = @body,
            txn_pdus = @pdus, txn_edus = @edus
        WHERE destination = @destination
        RETURNING txn_id
        """;

    private const string CompleteSql = """
        DELETE FROM federation_outbound_pdus WHERE destination = @destination AND stream_ordering = ANY(@pdus);
        DELETE FROM federation_outbound_edus WHERE destination = @destination AND id = ANY(@edus);
        UPDATE federation_destinations
        SET txn_id = NULL, txn_body = NULL, txn_pdus = NULL, txn_edus = NULL,
            last_successful_stream = GREATEST(last_successful_stream, @newest)
        WHERE destination = @destination AND txn_id = @txnId
        """;

    private const string CountPdusSql = """
        SELECT count(*)::int FROM (SELECT 1 FROM federation_outbound_pdus WHERE destination = @destination LIMIT @atMost) q
        """;

    // Per room with queued PDUs: our forward extremities newer than the last successful position, else the newest
    // queued PDU of the room (as Synapse's catch-up, which then lets the destination fetch the gap).
    private const string CatchUpPickSql = """
        WITH latest AS (
            SELECT DISTINCT ON (room_id) room_id, stream_ordering, event_id FROM federation_outbound_pdus
            WHERE destination = @destination ORDER BY room_id, stream_ordering DESC),
        ours AS (
            SELECT e.room_id, e.stream_ordering, e.event_id
            FROM latest l
            JOIN forward_extremities fx ON fx.room_id = l.room_id
            JOIN events e ON e.event_id = fx.event_id
            WHERE e.stream_ordering > COALESCE((SELECT last_successful_stream FROM federation_destinations
                                                WHERE destination = @destination), 0)
              AND right(e.sender, length(@suffix)) = @suffix AND NOT e.soft_failed)
        SELECT room_id AS RoomId, stream_ordering AS Position, event_id AS EventId FROM ours
        UNION ALL
        SELECT l.room_id, l.stream_ordering, l.event_id FROM latest l
        WHERE NOT EXISTS (SELECT 1 FROM ours o WHERE o.room_id = l.room_id)
        """;

    private const string CatchUpReplaceSql = """
        DELETE FROM federation_outbound_pdus WHERE destination = @destination;
        INSERT INTO federation_outbound_pdus (destination, stream_ordering, room_id, event_id)
        SELECT @destination, * FROM unnest(@positions, @roomIds, @eventIds) ON CONFLICT DO NOTHING;
        UPDATE federation_destinations SET txn_id = NULL, txn_body = NULL, txn_pdus = NULL, txn_edus = NULL
        WHERE destination = @destination;
        """;

    private const string TrimTypesSql = """
        DELETE FROM federation_outbound_edus WHERE destination = @destination AND edu_type = ANY(@types)
          AND NOT id = ANY(COALESCE((SELECT txn_edus FROM federation_destinations WHERE destination = @destination), '{}'))
        """;

    private const string TrimOldestSql = """
        DELETE FROM federation_outbound_edus WHERE destination = @destination AND id <= (
            SELECT id FROM federation_outbound_edus WHERE destination = @destination ORDER BY id DESC OFFSET @keep LIMIT 1)
        """;

    public async Task EnqueuePdusAsync(IReadOnlyList<OutboundPdu> pdus, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pdus);
        if (pdus.Count == 0)
        {
            return;
        }

        var destinations = pdus.Select(p => p.Destination.Value).ToArray();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(EnsureDestinationsSql,
            new { destinations = destinations.Distinct(StringComparer.Ordinal).ToArray() }, transaction,
            cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(EnqueuePdusSql, new
        {
            destinations,
            positions = pdus.Select(p => p.Position).ToArray(),
            roomIds = pdus.Select(p => p.RoomId).ToArray(),
            eventIds = pdus.Select(p => p.EventId).ToArray(),
        }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task EnqueueEduAsync(IReadOnlyCollection<ServerName> destinations, string eduType, string content,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        var names = destinations.Select(d => d.Value).Distinct(StringComparer.Ordinal).ToArray();
        if (names.Length == 0)
        {
            return;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(EnsureDestinationsSql, new { destinations = names },
            transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(EnqueueEduSql,
            new { destinations = names, eduType, content }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ServerName>> GetDestinationsWithWorkAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var names = await connection.QueryAsync<string>(new CommandDefinition(WithWorkSql,
            cancellationToken: cancellationToken));
        return names.Select(ServerName.Parse).ToList();
    }

    public async Task<bool> TryLeaseAsync(ServerName destination, string owner, DateTimeOffset now,
        DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(LeaseSql, new
        {
            destination = destination.Value, owner, now = now.ToUnixTimeMilliseconds(),
            until = until.ToUnixTimeMilliseconds(),
        }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task ReleaseLeaseAsync(ServerName destination, string owner, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(ReleaseSql, new { destination = destination.Value, owner },
            cancellationToken: cancellationToken));
    }

    public async Task<PendingTransaction?> GetPendingTransactionAsync(ServerName destination,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<PendingRow>(new CommandDefinition(PendingSql,
            new { destination = destination.Value }, cancellationToken: cancellationToken));
        return row is null ? null : new PendingTransaction(row.TxnId, row.Body, row.Pdus, row.Edus);
    }

    public async Task<(IReadOnlyList<QueuedPdu> Pdus, IReadOnlyList<QueuedEdu> Edus)> ReadQueueAsync(
        ServerName destination, int maxPdus, int maxEdus, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var pdus = await connection.QueryAsync<PduRow>(new CommandDefinition(ReadPdusSql,
            new { destination = destination.Value, maxPdus }, cancellationToken: cancellationToken));
        var edus = await connection.QueryAsync<QueuedEdu>(new CommandDefinition(ReadEdusSql,
            new { destination = destination.Value, maxEdus }, cancellationToken: cancellationToken));
        return (pdus.Select(row => row.ToQueuedPdu()).ToList(), edus.ToList());
    }

    public async Task<PendingTransaction> SavePendingTransactionAsync(ServerName destination, byte[] body,
        IReadOnlyList<long> pdus, IReadOnlyList<long> edus, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pdus);
        ArgumentNullException.ThrowIfNull(edus);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var pduArray = pdus.ToArray();
        var eduArray = edus.ToArray();
        var txnId = await connection.ExecuteScalarAsync<string>(new CommandDefinition(SavePendingSql, new
        {
            destination = destination.Value, body, pdus = pduArray, edus = eduArray,
            prefix = now.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture) + ".",
        }, cancellationToken: cancellationToken)) ?? throw new InvalidOperationException(
            $"no queue row for {destination}");
        return new PendingTransaction(txnId, body, pduArray, eduArray);
    }

    public async Task CompleteTransactionAsync(ServerName destination, PendingTransaction transaction,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(CompleteSql, new
        {
            destination = destination.Value, txnId = transaction.TxnId, pdus = transaction.Pdus.ToArray(),
            edus = transaction.Edus.ToArray(), newest = transaction.Pdus.Count == 0 ? (long?)null : transaction.Pdus.Max(),
        }, batch, cancellationToken: cancellationToken));
        await batch.CommitAsync(cancellationToken);
    }

    public async Task<int> CountPdusAsync(ServerName destination, int atMost, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(CountPdusSql,
            new { destination = destination.Value, atMost }, cancellationToken: cancellationToken));
    }

    public async Task CatchUpAsync(ServerName destination, ServerName origin, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var picked = (await connection.QueryAsync<CatchUpRow>(new CommandDefinition(CatchUpPickSql,
            new { destination = destination.Value, suffix = ":" + origin.Value }, transaction,
            cancellationToken: cancellationToken))).ToList();
        await connection.ExecuteAsync(new CommandDefinition(CatchUpReplaceSql, new
        {
            destination = destination.Value,
            positions = picked.Select(p => p.Position).ToArray(),
            roomIds = picked.Select(p => p.RoomId).ToArray(),
            eventIds = picked.Select(p => p.EventId).ToArray(),
        }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task TrimEdusAsync(ServerName destination, IReadOnlyCollection<string> droppableTypes, int keep,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(droppableTypes);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (droppableTypes.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(TrimTypesSql,
                new { destination = destination.Value, types = droppableTypes.ToArray() },
                cancellationToken: cancellationToken));
        }

        await connection.ExecuteAsync(new CommandDefinition(TrimOldestSql, new { destination = destination.Value, keep },
            cancellationToken: cancellationToken));
    }

    private sealed class PendingRow
    {
        public string TxnId { get; set; } = "";

        public byte[] Body { get; set; } = [];

        public long[] Pdus { get; set; } = [];

        public long[] Edus { get; set; } = [];
    }

    private sealed class PduRow
    {
        public long Position { get; set; }

        public string EventId { get; set; } = "";

        public string? Json { get; set; }

        public string? RedactedBy { get; set; }

        public string? RoomVersion { get; set; }

        public QueuedPdu ToQueuedPdu() => new(Position, EventId, Json is null || RoomVersion is null ? ""
            : OutboundEventJson.Of(Json, RoomVersion, RedactedBy is not null));
    }

    private sealed class CatchUpRow
    {
        public string RoomId { get; set; } = "";

        public long Position { get; set; }

        public string EventId { get; set; } = "";
    }
}
