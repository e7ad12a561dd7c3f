using System.Security.Cryptography.X509Certificates;
using Homeserver.Services.Federation.Client;
using Homeserver.Services.Federation.Discovery;
using Homeserver.Testing;
using Microsoft.AspNetCore.Http;

namespace Homeserver.Services.Tests.Federation;

/// <summary>TLS of outbound federation against Kestrel on loopback: validation, extra CAs, and the Host header and
/// SNI that discovery chose (spec: Server-Server API, "TLS" and "Resolving server names").</summary>
public sealed class FederationClientTlsTests : IDisposable
{
    private readonly X509Certificate2 _ca = TestCertificates.CreateCa("Test CA");

    public void Dispose() => _ca.Dispose();

    private static Task<LoopbackHttpsServer> ServeAsync(X509Certificate2 certificate) =>
        LoopbackHttpsServer.StartAsync(certificate, context => context.Response.WriteAsJsonAsync(new { ok = true }));

    [Fact]
    public async Task An_untrusted_certificate_is_refused_while_verification_is_on()
    {
        using var leaf = TestCertificates.CreateLeaf(_ca, "localhost");
        await using var server = await ServeAsync(leaf);
        using var harness = new ClientHarness();
        var failure = await Assert.ThrowsAsync<FederationException>(() => harness.GetAsync($"localhost:{server.Port}"));
        Assert.Equal(FederationFailure.Unreachable, failure.Failure);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task The_trusted_ca_file_makes_its_certificates_accepted()
    {
        using var leaf = TestCertificates.CreateLeaf(_ca, "localhost");
        await using var server = await ServeAsync(leaf);
        using var harness = new ClientHarness(trustedCa: _ca);
        var response = await harness.GetAsync($"localhost:{server.Port}");
        Assert.Equal(200, response.StatusCode);
    }

    [Fact]
    public async Task A_certificate_for_another_name_is_refused_even_from_a_trusted_ca()
    {
        using var leaf = TestCertificates.CreateLeaf(_ca, "other.test");
        await using var server = await ServeAsync(leaf);
        using var harness = new ClientHarness(trustedCa: _ca);
        var failure = await Assert.ThrowsAsync<FederationException>(() => harness.GetAsync($"localhost:{server.Port}"));
        Assert.Equal(FederationFailure.Unreachable, failure.Failure);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Verification_off_accepts_an_untrusted_certificate_for_another_name()
    {
        using var leaf = TestCertificates.CreateLeaf(_ca, "other.test");
        await using var server = await ServeAsync(leaf);
        using var harness = new ClientHarness(s => s with { VerifyCertificates = false });
        Assert.Equal(200, (await harness.GetAsync($"localhost:{server.Port}")).StatusCode);
    }

    [Fact]
    public async Task A_hostname_with_port_is_the_host_header_and_its_hostname_the_sni()
    {
        using var leaf = TestCertificates.CreateLeaf(_ca, "localhost");
        await using var server = await ServeAsync(leaf);
        using var harness = new ClientHarness(trustedCa: _ca);
        await harness.GetAsync($"localhost:{server.Port}");
        var seen = Assert.Single(server.Requests);
        Assert.Equal($"localhost:{server.Port}", seen.Host);
        Assert.Equal("localhost", seen.Sni);
    }

    [Fact]
    public async Task An_ip_literal_sends_no_sni_and_needs_a_certificate_for_the_address()
    {
        using var forIp = TestCertificates.CreateLeaf(_ca, "127.0.0.1");
        await using var server = await ServeAsync(forIp);
        using var harness = new ClientHarness(trustedCa: _ca);
        await harness.GetAsync($"127.0.0.1:{server.Port}");
        var seen = Assert.Single(server.Requests);
        Assert.Equal($"127.0.0.1:{server.Port}", seen.Host);
        Assert.Null(seen.Sni);

        using var forName = TestCertificates.CreateLeaf(_ca, "localhost");
        await using var other = await ServeAsync(forName);
        var failure = await Assert.ThrowsAsync<FederationException>(() => harness.GetAsync($"127.0.0.1:{other.Port}"));
        Assert.Equal(FederationFailure.Unreachable, failure.Failure);
    }

    [Fact]
    public async Task Srv_targets_are_tried_in_order_with_the_server_hostname_as_host_sni_and_certificate_name()
    {
        // The certificate names only the server name, not the SRV targets: DNS is not trusted to delegate.
        using var leaf = TestCertificates.CreateLeaf(_ca, "srv.test");
        await using var server = await ServeAsync(leaf);
        using var harness = new ClientHarness(trustedCa: _ca);
        var closedPort = Homeserver.Testing.FreePort.Next();
        harness.Srv.Add("_matrix-fed._tcp.srv.test",
            new SrvRecord("closed.test", closedPort, 0, 0, TimeSpan.FromHours(1)),
            new SrvRecord("target.test", server.Port, 1, 0, TimeSpan.FromHours(1)));
        Assert.Equal(200, (await harness.GetAsync("srv.test")).StatusCode);
        var seen = Assert.Single(server.Requests);
        Assert.Equal("srv.test", seen.Host);
        Assert.Equal("srv.test", seen.Sni);
        Assert.Null(harness.Backoff.StateOf(Homeserver.Core.Identifiers.ServerName.Parse("srv.test")));
    }

    [Fact]
    public async Task A_delegated_hostname_with_port_is_the_host_header_and_sni()
    {
        using var leaf = TestCertificates.CreateLeaf(_ca, "delegated.test");
        await using var server = await ServeAsync(leaf);
        using var harness = new ClientHarness(trustedCa: _ca);
        harness.WellKnown.Delegate("origin.test", $"delegated.test:{server.Port}");
        await harness.GetAsync("origin.test");
        var seen = Assert.Single(server.Requests);
        Assert.Equal($"delegated.test:{server.Port}", seen.Host);
        Assert.Equal("delegated.test", seen.Sni);
    }

    [Fact]
    public async Task A_host_override_connects_to_loopback_with_the_server_name_as_host_and_sni()
    {
        using var leaf = TestCertificates.CreateLeaf(_ca, "hs1.test");
        await using var server = await ServeAsync(leaf);
        using var harness = new ClientHarness(s => s with
        {
            HostOverrides = new Dictionary<string, System.Net.IPEndPoint>
            {
                ["hs1.test"] = new(System.Net.IPAddress.Loopback, server.Port),
            },
        }, _ca);
        await harness.GetAsync("hs1.test");
        var seen = Assert.Single(server.Requests);
        Assert.Equal("hs1.test", seen.Host);
        Assert.Equal("hs1.test", seen.Sni);
        Assert.Empty(harness.WellKnown.Fetches);
    }
}
