using System.Diagnostics.Metrics;
using Homeserver.Services.Federation.Client;
using Homeserver.Services.Federation.Sending;

namespace Homeserver.Host.Observability;

/// <summary>
/// The federation sender's backlog as gauges with no per-destination label (the number of servers we talk to is
/// unbounded): queued PDUs and EDUs and destinations with work, read from the durable queue before each scrape, and
/// destinations backing off, from this process's <see cref="DestinationBackoff"/>.
/// </summary>
public sealed class FederationQueueGauges
{
    public const string MeterName = "Homeserver.Federation";

    private readonly IFederationQueueDepthReader _reader;
    private FederationQueueDepths _depths = new(0, 0, 0);

    public FederationQueueGauges(IMeterFactory meters, IFederationQueueDepthReader reader, DestinationBackoff backoff)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(backoff);
        _reader = reader;
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("homeserver.federation.queue.pdus", () => Volatile.Read(ref _depths).Pdus,
            "{pdu}", "PDUs queued for other servers, over every destination");
        meter.CreateObservableGauge("homeserver.federation.queue.edus", () => Volatile.Read(ref _depths).Edus,
            "{edu}", "EDUs queued for other servers, over every destination");
        meter.CreateObservableGauge("homeserver.federation.destinations.with_work",
            () => Volatile.Read(ref _depths).DestinationsWithWork, "{destination}",
            "Destinations with queued PDUs or EDUs or a transaction in flight");
        meter.CreateObservableGauge("homeserver.federation.destinations.backing_off", () => backoff.FailingCount,
            "{destination}", "Destinations this process is backing off from after failures");
    }

    /// <summary>Reads the queue's totals (before a scrape: the gauges' callbacks cannot wait on the database). With the
    /// database away the last values stay: the scrape still answers with everything else.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            Volatile.Write(ref _depths, await _reader.ReadAsync(cancellationToken));
        }
#pragma warning disable CA1031 // an outage is already reported by readiness and the request log
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
        }
    }
}
