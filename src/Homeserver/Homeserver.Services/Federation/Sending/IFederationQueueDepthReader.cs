namespace Homeserver.Services.Federation.Sending;

/// <summary>The durable queue's totals over every destination: queued PDUs and EDUs, and destinations with work
/// (queued items or a transaction in flight).</summary>
public sealed record FederationQueueDepths(long Pdus, long Edus, long DestinationsWithWork);

/// <summary>Reads <see cref="FederationQueueDepths"/> for the metrics (Storage <c>FederationQueueDepthReader</c>).</summary>
public interface IFederationQueueDepthReader
{
    Task<FederationQueueDepths> ReadAsync(CancellationToken cancellationToken);
}
