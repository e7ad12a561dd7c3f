using Dapper;
using Homeserver.Services.Federation.Sending;
using Npgsql;

namespace Homeserver.Storage.Federation;

/// <summary>
/// Totals of the federation sender's queue (migration 0028: <c>federation_outbound_pdus</c>,
/// <c>federation_outbound_edus</c>, <c>federation_destinations</c>), read when metrics are scraped. The queue stays
/// small (catch-up replaces a long PDU queue, EDUs are trimmed per destination), so counting it is cheap.
/// </summary>
public sealed class FederationQueueDepthReader(NpgsqlDataSource dataSource) : IFederationQueueDepthReader
{
    private const string DepthsSql = """
        SELECT (SELECT count(*) FROM federation_outbound_pdus) AS Pdus,
               (SELECT count(*) FROM federation_outbound_edus) AS Edus,
               (SELECT count(*) FROM federation_destinations d
                WHERE d.txn_id IS NOT NULL
                   OR EXISTS (SELECT 1 FROM federation_outbound_pdus p WHERE p.destination = d.destination)
                   OR EXISTS (SELECT 1 FROM federation_outbound_edus e WHERE e.destination = d.destination))
                   AS DestinationsWithWork
        """;

    public async Task<FederationQueueDepths> ReadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<FederationQueueDepths>(
            new CommandDefinition(DepthsSql, cancellationToken: cancellationToken));
    }
}
