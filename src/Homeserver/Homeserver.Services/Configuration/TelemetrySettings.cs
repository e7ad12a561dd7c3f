namespace Homeserver.Services.Configuration;

/// <summary>How traces reach the OpenTelemetry collector (<c>Telemetry:OtlpProtocol</c>).</summary>
public enum OtlpProtocol
{
    /// <summary>OTLP over gRPC (the collector's port 4317).</summary>
    Grpc,

    /// <summary>OTLP over HTTP with protobuf bodies (port 4318; <c>/v1/traces</c> is appended to the endpoint).</summary>
    HttpProtobuf,
}

/// <summary>
/// Metrics and traces, both off by default: <c>Listen:Metrics</c> is the listener serving <c>/metrics</c> (Prometheus
/// text, never on the client or federation listener), <c>Telemetry:OtlpEndpoint</c> the collector traces go to.
/// </summary>
public sealed record TelemetrySettings(Uri? MetricsListen, Uri? OtlpEndpoint, OtlpProtocol OtlpProtocol)
{
    public static readonly TelemetrySettings Off = new(null, null, OtlpProtocol.Grpc);
}
