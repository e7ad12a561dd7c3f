namespace Homeserver.Services.Configuration;

/// <summary>Reads <see cref="TelemetrySettings"/> (<c>Listen:Metrics</c>, <c>Telemetry:*</c>) for <see cref="SettingsReader"/>.</summary>
internal static class TelemetrySettingsReader
{
    public static TelemetrySettings Read(SettingsReader.ValueReader reader, Uri? clientUrl, Uri? federationUrl)
    {
        var metrics = reader.Parse("Listen:Metrics", text => ParseMetricsUrl(text, clientUrl, federationUrl));
        var endpoint = reader.Parse("Telemetry:OtlpEndpoint", SettingsReader.ParseOptionalHttpUrl);
        var protocol = reader.Parse("Telemetry:OtlpProtocol", text => text.ToUpperInvariant() switch
        {
            "GRPC" => (OtlpProtocol.Grpc, (string?)null),
            "HTTP/PROTOBUF" => (OtlpProtocol.HttpProtobuf, null),
            _ => (OtlpProtocol.Grpc, $"'{text}' is not one of: grpc, http/protobuf"),
        });
        return new TelemetrySettings(metrics, endpoint, protocol);
    }

    private static (Uri?, string?) ParseMetricsUrl(string text, Uri? clientUrl, Uri? federationUrl)
    {
        var (url, problem) = SettingsReader.ParseListenUrl(text, allowEmpty: true);
        if (url is null || problem is not null)
        {
            return (url, problem);
        }

        if (url.Scheme != Uri.UriSchemeHttp)
        {
            return (null, $"'{text}' must be an http:// URL (scrapers reach it on a private address)");
        }

        // Metrics are never served on a public listener: the port must be a listener of its own.
        return url.Port != 0 && (url.Port == clientUrl?.Port || url.Port == federationUrl?.Port)
            ? (null, $"'{text}' must not share a port with Listen:Client or Listen:Federation")
            : (url, null);
    }
}
