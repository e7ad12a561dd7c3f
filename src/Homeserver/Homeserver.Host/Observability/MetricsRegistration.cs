using System.Diagnostics.Metrics;
using Homeserver.Http;
using Homeserver.Services.Configuration;
using Homeserver.Services.Shared;
using OpenTelemetry.Metrics;

namespace Homeserver.Host.Observability;

/// <summary>
/// <c>/metrics</c> in Prometheus text format on the metrics listener only (OpenTelemetry's Prometheus exporter), when
/// <c>Listen:Metrics</c> is set; nothing is registered otherwise. What it exports: request counts and latencies per
/// route template (ASP.NET Core's <c>http.server.request.duration</c>, labelled by template, method and status, never
/// by raw path), Kestrel's connections, our own instruments (<see cref="ServerTelemetry"/>: events persisted, sync
/// connections open), the federation queue (<see cref="FederationQueueGauges"/>), Npgsql's pool and commands, and the
/// runtime's GC, memory and thread pool.
/// </summary>
public static class MetricsRegistration
{
    private const string ScrapePath = "/metrics";

    /// <summary>Meters the runtime and libraries publish on their own (System.Diagnostics.Metrics).</summary>
    private static readonly string[] BuiltInMeters =
    [
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Npgsql", "System.Runtime",
    ];

    public static IServiceCollection AddHomeserverMetrics(this IServiceCollection services, TelemetrySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.MetricsListen is null)
        {
            return services;
        }

        services.AddSingleton<FederationQueueGauges>();
        services.AddOpenTelemetry()
            .ConfigureResource(resource => TracingRegistration.Describe(resource))
            .WithMetrics(metrics => metrics
                .AddMeter(ServerTelemetry.Name, FederationQueueGauges.MeterName)
                .AddMeter(BuiltInMeters)
                .ThisHostOnly()
                // Scrapes read fresh values: the queue gauges are refreshed just before each one.
                .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));
        return services;
    }

    /// <summary>
    /// Meters made by a host's <see cref="IMeterFactory"/> (ASP.NET Core's, ours) are kept to this host's: the SDK listens
    /// process-wide, and another host in the process (tests run several) would otherwise share, and on its disposal
    /// end, the same streams. Static meters (the runtime's, Npgsql's, <see cref="ServerTelemetry"/>) are the process's.
    /// </summary>
    private static MeterProviderBuilder ThisHostOnly(this MeterProviderBuilder metrics) =>
        ((IDeferredMeterProviderBuilder)metrics).Configure((provider, builder) =>
        {
            var factory = provider.GetRequiredService<IMeterFactory>();
            builder.AddView(instrument =>
                instrument.Meter.Scope is null || ReferenceEquals(instrument.Meter.Scope, factory)
                    ? null
                    : MetricStreamConfiguration.Drop);
        });

    /// <summary>
    /// The metrics listener's pipeline: <c>GET /metrics</c>, and 404 <c>M_UNRECOGNIZED</c> for anything else. Requests
    /// from other listeners never reach it (and find no <c>/metrics</c> route of their own).
    /// </summary>
    public static WebApplication UseMetricsListener(this WebApplication app, TelemetrySettings settings)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.MetricsListen is null)
        {
            return app;
        }

        app.MapWhen(MetricsListener.Mark.Accepted, listener =>
        {
            listener.UseOpenTelemetryPrometheusScrapingEndpoint(meterProvider: null,
                predicate: context => context.Request.Path == ScrapePath, path: null,
                configureBranchedPipeline: scrape => scrape.Use(async (context, next) =>
                {
                    var gauges = context.RequestServices.GetRequiredService<FederationQueueGauges>();
                    await gauges.RefreshAsync(context.RequestAborted);
                    await next(context);
                }), optionsName: null);
            listener.Run(context => MatrixErrorWriter.WriteAsync(context, StatusCodes.Status404NotFound,
                Homeserver.Core.Errors.ErrorCode.Unrecognized, "Only /metrics is served on this listener"));
        });
        return app;
    }
}
