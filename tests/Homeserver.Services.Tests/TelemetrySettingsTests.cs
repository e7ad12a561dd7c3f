using Homeserver.Services.Configuration;
using Microsoft.Extensions.Configuration;

namespace Homeserver.Services.Tests;

public sealed class TelemetrySettingsTests
{
    [Fact]
    public void Metrics_and_traces_are_off_by_default()
    {
        var telemetry = Read().Telemetry;

        Assert.Null(telemetry.MetricsListen);
        Assert.Null(telemetry.OtlpEndpoint);
        Assert.Equal(OtlpProtocol.Grpc, telemetry.OtlpProtocol);
    }

    [Fact]
    public void The_metrics_listener_and_the_collector_are_read()
    {
        var telemetry = Read(("Homeserver:Listen:Metrics", "http://127.0.0.1:9000"),
            ("Homeserver:Telemetry:OtlpEndpoint", "http://127.0.0.1:4318"),
            ("Homeserver:Telemetry:OtlpProtocol", "http/protobuf")).Telemetry;

        Assert.Equal(new Uri("http://127.0.0.1:9000"), telemetry.MetricsListen);
        Assert.Equal(new Uri("http://127.0.0.1:4318"), telemetry.OtlpEndpoint);
        Assert.Equal(OtlpProtocol.HttpProtobuf, telemetry.OtlpProtocol);
    }

    [Theory]
    [InlineData("Homeserver:Listen:Metrics", "http://127.0.0.1:8008", "must not share a port with Listen:Client")]
    [InlineData("Homeserver:Listen:Metrics", "http://127.0.0.1:8448", "must not share a port")]
    [InlineData("Homeserver:Listen:Metrics", "https://127.0.0.1:9000", "must be an http:// URL")]
    [InlineData("Homeserver:Listen:Metrics", "http://127.0.0.1:9000/metrics", "no path")]
    [InlineData("Homeserver:Telemetry:OtlpEndpoint", "collector:4317", "is not an http:// or https:// URL")]
    [InlineData("Homeserver:Telemetry:OtlpProtocol", "udp", "grpc, http/protobuf")]
    public void A_bad_value_is_refused_naming_its_key(string key, string value, string problem)
    {
        var (settings, errors) = SettingsReader.TryRead(Build((key, value)), "/srv/homeserver");

        Assert.Null(settings);
        Assert.Contains(errors, e => e.StartsWith(key + " (env ", StringComparison.Ordinal) &&
                                     e.Contains(problem, StringComparison.Ordinal));
    }

    private static HomeserverSettings Read(params (string Key, string Value)[] values) =>
        SettingsReader.Read(Build(values), "/srv/homeserver");

    private static IConfiguration Build(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build();
}
