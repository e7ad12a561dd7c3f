using System.Net;
using Homeserver.Services.Configuration;
using Homeserver.Testing;
using Microsoft.Extensions.Configuration;

namespace Homeserver.Services.Tests.Federation;

/// <summary><c>Homeserver:Federation:*</c> settings of outbound requests, read and validated by <see cref="SettingsReader"/>.</summary>
public sealed class FederationClientSettingsTests
{
    private static (HomeserverSettings? Settings, IReadOnlyList<string> Errors) TryRead(params (string Key, string Value)[] values) =>
        SettingsReader.TryRead(new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build(), "/srv/homeserver");

    [Fact]
    public void Defaults_verify_certificates_and_bound_requests()
    {
        var settings = TryRead().Settings!.FederationClient;
        Assert.True(settings.VerifyCertificates);
        Assert.Null(settings.TrustedCaFile);
        Assert.Equal((TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60)), (settings.ConnectTimeout, settings.RequestTimeout));
        Assert.Equal(100L * 1024 * 1024, settings.MaxResponseBytes);
        Assert.Equal(8, settings.MaxConcurrentRequestsPerDestination);
        Assert.Equal((TimeSpan.FromMinutes(10), TimeSpan.FromDays(7)), (settings.BackoffMin, settings.BackoffMax));
        Assert.Empty(settings.HostOverrides);
    }

    [Fact]
    public void Values_are_read()
    {
        using var directory = new TempDirectory();
        var caFile = Path.Combine(directory.Path, "ca.pem");
        using var ca = TestCertificates.CreateCa("CA");
        File.WriteAllText(caFile, ca.ExportCertificatePem());
        var settings = TryRead(("Homeserver:Federation:VerifyCertificates", "false"),
            ("Homeserver:Federation:TrustedCaFile", caFile),
            ("Homeserver:Federation:RequestTimeoutSeconds", "5"),
            ("Homeserver:Federation:MaxResponseBytes", "2048"),
            ("Homeserver:Federation:MaxConcurrentRequestsPerDestination", "2"),
            ("Homeserver:Federation:BackoffMinSeconds", "1"),
            ("Homeserver:Federation:BackoffMaxSeconds", "60")).Settings!.FederationClient;
        Assert.False(settings.VerifyCertificates);
        Assert.Equal(caFile, settings.TrustedCaFile);
        Assert.Single(settings.LoadTrustedCas());
        Assert.Equal((TimeSpan.FromSeconds(5), 2048L, 2), (settings.RequestTimeout, settings.MaxResponseBytes,
            settings.MaxConcurrentRequestsPerDestination));
        Assert.Equal((TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1)), (settings.BackoffMin, settings.BackoffMax));
    }

    [Fact]
    public void Host_overrides_take_server_names_with_and_without_port()
    {
        // Environment form: Homeserver__Federation__HostOverrides__hs1.test=127.0.0.1:18448
        var overrides = TryRead(("Homeserver:Federation:HostOverrides:hs1.test", "127.0.0.1:18448"),
            ("Homeserver:Federation:HostOverrides:hs2.test:8448", "[::1]:18449")).Settings!.FederationClient.HostOverrides;
        Assert.Equal(IPEndPoint.Parse("127.0.0.1:18448"), overrides["hs1.test"]);
        Assert.Equal(IPEndPoint.Parse("[::1]:18449"), overrides["hs2.test:8448"]);
    }

    [Theory]
    [InlineData("Homeserver:Federation:VerifyCertificates", "no", "is not true or false")]
    [InlineData("Homeserver:Federation:TrustedCaFile", "/no/such/ca.pem", "does not exist")]
    [InlineData("Homeserver:Federation:RequestTimeoutSeconds", "0", "whole number from 1")]
    [InlineData("Homeserver:Federation:MaxResponseBytes", "100", "at least 1024")]
    [InlineData("Homeserver:Federation:MaxConcurrentRequestsPerDestination", "0", "whole number from 1")]
    [InlineData("Homeserver:Federation:BackoffMaxSeconds", "59", "not be less than")]
    [InlineData("Homeserver:Federation:HostOverrides:hs1.test", "10.0.0.1:8448", "loopback")]
    [InlineData("Homeserver:Federation:HostOverrides:hs1.test", "127.0.0.1", "loopback address with a port")]
    [InlineData("Homeserver:Federation:HostOverrides:bad host", "127.0.0.1:8448", "not a server name")]
    public void Invalid_values_are_reported_naming_their_key(string key, string value, string problem)
    {
        var (settings, errors) = TryRead((key, value), ("Homeserver:Federation:BackoffMinSeconds", "60"));
        Assert.Null(settings);
        Assert.Contains(errors, e => e.StartsWith(key, StringComparison.Ordinal) && e.Contains(problem, StringComparison.Ordinal));
    }

    [Fact]
    public void A_trusted_ca_file_without_certificates_is_refused()
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "empty.pem");
        File.WriteAllText(path, "not a certificate\n");
        var (_, errors) = TryRead(("Homeserver:Federation:TrustedCaFile", path));
        Assert.Contains(errors, e => e.Contains("holds no PEM certificate", StringComparison.Ordinal));
    }
}
