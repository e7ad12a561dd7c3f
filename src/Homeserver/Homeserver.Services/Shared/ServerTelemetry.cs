using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Homeserver.Services.Shared;

/// <summary>
/// The server's own spans and instruments (<see cref="Name"/>), recorded at the boundaries they describe. Nothing is
/// collected unless the host listens (a metrics listener or a trace exporter): starting a span or adding to an
/// instrument nobody listens to costs a null check.
/// </summary>
public static class ServerTelemetry
{
    /// <summary>The name of the <see cref="ActivitySource"/> and of the <see cref="Meter"/>.</summary>
    public const string Name = "Homeserver";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    /// <summary>Events committed to rooms (tag <c>kind</c>: local, new, outlier, backfill, join, out_of_band).</summary>
    public static readonly Counter<long> EventsPersisted = Meter.CreateCounter<long>("homeserver.events.persisted",
        "{event}", "Events committed to rooms");

    /// <summary>/sync requests in progress, long-polls included.</summary>
    public static readonly UpDownCounter<long> SyncConnections = Meter.CreateUpDownCounter<long>(
        "homeserver.sync.connections", "{connection}", "Sync requests in progress, long-polls included");
}
