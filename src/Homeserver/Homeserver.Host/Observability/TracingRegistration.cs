using Homeserver.Services.Configuration;
using Homeserver.Services.Shared;
using Npgsql;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Homeserver.Host.Observability;

/// <summary>
/// Traces to an OpenTelemetry collector over OTLP when <c>Telemetry:OtlpEndpoint</c> is set (nothing is registered
/// otherwise): ASP.NET Core's request spans (the metrics listener's scrapes left out), our own spans
/// (<see cref="ServerTelemetry"/>: event persistence, sync passes) and Npgsql's command spans, joined in one trace per
/// request.
/// </summary>
public static class TracingRegistration
{
    public const string ServiceName = "homeserver";

    public static IServiceCollection AddHomeserverTracing(this IServiceCollection services, TelemetrySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.OtlpEndpoint is not { } endpoint)
        {
            return services;
        }

        services.AddOpenTelemetry()
            .ConfigureResource(resource => Describe(resource))
            .WithTracing(tracing => tracing
                .AddSource(ServerTelemetry.Name)
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => !MetricsListener.Mark.Accepted(context))
                .AddNpgsql()
                .AddOtlpExporter(otlp =>
                {
                    otlp.Protocol = settings.OtlpProtocol == OtlpProtocol.Grpc
                        ? OtlpExportProtocol.Grpc
                        : OtlpExportProtocol.HttpProtobuf;
                    // An endpoint set in code is used as given; over HTTP the collector takes traces at /v1/traces.
                    otlp.Endpoint = settings.OtlpProtocol == OtlpProtocol.Grpc
                        ? endpoint
                        : new Uri(endpoint, endpoint.AbsolutePath.TrimEnd('/') + "/v1/traces");
                }));
        return services;
    }

    /// <summary>The resource both metrics and traces describe: this server, by name and version.</summary>
    internal static ResourceBuilder Describe(ResourceBuilder resource) =>
        resource.AddService(ServiceName,
            serviceVersion: typeof(TracingRegistration).Assembly.GetName().Version?.ToString(3));
}
