using System.Net;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Federation.Discovery;
using Homeserver.Testing;

namespace Homeserver.Services.Tests.Federation;

/// <summary>Spec: Server-Server API, "Resolving server names" (v1.19): every step, with the Host header and the name
/// the certificate must be valid for.</summary>
public sealed class ServerNameResolverTests
{
    private readonly ManualClock _clock = new();
    private readonly FakeWellKnownFetcher _wellKnown = new();
    private readonly FakeSrvLookup _srv = new();

    private ServerNameResolver Resolver(IReadOnlyDictionary<string, IPEndPoint>? overrides = null) =>
        new(new WellKnownResolver(_wellKnown, _clock, new ScriptedRandom()),
            new SrvResolver(_srv, _clock, new ScriptedRandom()), overrides);

    private Task<ResolvedServer> ResolveAsync(string name, ServerNameResolver? resolver = null) =>
        (resolver ?? Resolver()).ResolveAsync(ServerName.Parse(name), CancellationToken.None);

    private static void AssertResolved(ResolvedServer resolved, DiscoveryStep step, string hostHeader,
        string certificateName, params (string Host, int Port)[] targets)
    {
        Assert.Equal(step, resolved.Step);
        Assert.Equal(hostHeader, resolved.HostHeader);
        Assert.Equal(certificateName, resolved.CertificateName);
        Assert.Equal(targets.Select(t => new ConnectTarget(t.Host, t.Port)), resolved.Targets);
    }

    [Fact]
    public async Task Ipv4_literal_without_port_uses_8448_with_the_server_name_as_host()
    {
        AssertResolved(await ResolveAsync("192.0.2.7"), DiscoveryStep.IpLiteral, "192.0.2.7", "192.0.2.7", ("192.0.2.7", 8448));
        Assert.Empty(_wellKnown.Fetches);
        Assert.Empty(_srv.Queries);
    }

    [Fact]
    public async Task Ipv4_literal_with_port_keeps_the_port_in_the_host_header()
    {
        AssertResolved(await ResolveAsync("192.0.2.7:8000"), DiscoveryStep.IpLiteral, "192.0.2.7:8000", "192.0.2.7",
            ("192.0.2.7", 8000));
    }

    [Fact]
    public async Task Ipv6_literal_with_and_without_port()
    {
        AssertResolved(await ResolveAsync("[2001:db8::1]"), DiscoveryStep.IpLiteral, "[2001:db8::1]", "2001:db8::1",
            ("2001:db8::1", 8448));
        AssertResolved(await ResolveAsync("[2001:db8::1]:8449"), DiscoveryStep.IpLiteral, "[2001:db8::1]:8449",
            "2001:db8::1", ("2001:db8::1", 8449));
        Assert.Empty(_wellKnown.Fetches);
    }

    [Fact]
    public async Task A_name_that_only_looks_numeric_is_a_hostname()
    {
        // "127.1" is an IPv4 address to inet_aton, but not an IPv4address of the grammar: step 3 onwards.
        AssertResolved(await ResolveAsync("127.1"), DiscoveryStep.DefaultPort, "127.1", "127.1", ("127.1", 8448));
        Assert.Equal(["127.1"], _wellKnown.Fetches);
    }

    [Fact]
    public async Task Hostname_with_explicit_port_is_used_directly_without_well_known_or_srv()
    {
        _wellKnown.Delegate("example.org", "elsewhere.example:443");
        _srv.Add("_matrix-fed._tcp.example.org", new SrvRecord("srv.example", 1, 0, 0, TimeSpan.FromHours(1)));
        AssertResolved(await ResolveAsync("example.org:8500"), DiscoveryStep.ExplicitPort, "example.org:8500",
            "example.org", ("example.org", 8500));
        Assert.Empty(_wellKnown.Fetches);
        Assert.Empty(_srv.Queries);
    }

    [Fact]
    public async Task Delegation_to_an_ip_literal_uses_it_with_its_port_or_8448()
    {
        _wellKnown.Delegate("a.example", "192.0.2.9");
        _wellKnown.Delegate("b.example", "192.0.2.9:9000");
        _wellKnown.Delegate("c.example", "[2001:db8::9]:9001");
        AssertResolved(await ResolveAsync("a.example"), DiscoveryStep.DelegatedIpLiteral, "192.0.2.9", "192.0.2.9",
            ("192.0.2.9", 8448));
        AssertResolved(await ResolveAsync("b.example"), DiscoveryStep.DelegatedIpLiteral, "192.0.2.9:9000", "192.0.2.9",
            ("192.0.2.9", 9000));
        AssertResolved(await ResolveAsync("c.example"), DiscoveryStep.DelegatedIpLiteral, "[2001:db8::9]:9001",
            "2001:db8::9", ("2001:db8::9", 9001));
        Assert.Empty(_srv.Queries);
    }

    [Fact]
    public async Task Delegation_to_a_hostname_with_port_uses_it_without_srv()
    {
        _wellKnown.Delegate("example.org", "matrix.example.org:443");
        _srv.Add("_matrix-fed._tcp.matrix.example.org", new SrvRecord("x.example", 1, 0, 0, TimeSpan.FromHours(1)));
        AssertResolved(await ResolveAsync("example.org"), DiscoveryStep.DelegatedExplicitPort, "matrix.example.org:443",
            "matrix.example.org", ("matrix.example.org", 443));
        Assert.Empty(_srv.Queries);
    }

    [Fact]
    public async Task Delegation_to_a_hostname_uses_its_matrix_fed_srv_with_the_delegated_name_as_host_and_certificate()
    {
        _wellKnown.Delegate("example.org", "matrix.example.org");
        _srv.Add("_matrix-fed._tcp.matrix.example.org", new SrvRecord("fed1.example.net", 8443, 10, 0, TimeSpan.FromHours(1)));
        _srv.Add("_matrix._tcp.matrix.example.org", new SrvRecord("legacy.example.net", 1, 10, 0, TimeSpan.FromHours(1)));
        AssertResolved(await ResolveAsync("example.org"), DiscoveryStep.DelegatedSrv, "matrix.example.org",
            "matrix.example.org", ("fed1.example.net", 8443));
        Assert.Equal(["_matrix-fed._tcp.matrix.example.org"], _srv.Queries);
    }

    [Fact]
    public async Task Delegation_falls_back_to_the_deprecated_matrix_srv()
    {
        _wellKnown.Delegate("example.org", "matrix.example.org");
        _srv.Add("_matrix._tcp.matrix.example.org", new SrvRecord("legacy.example.net", 8444, 10, 0, TimeSpan.FromHours(1)));
        AssertResolved(await ResolveAsync("example.org"), DiscoveryStep.DelegatedLegacySrv, "matrix.example.org",
            "matrix.example.org", ("legacy.example.net", 8444));
        Assert.Equal(["_matrix-fed._tcp.matrix.example.org", "_matrix._tcp.matrix.example.org"], _srv.Queries);
    }

    [Fact]
    public async Task Delegation_without_srv_uses_the_delegated_hostname_on_8448()
    {
        _wellKnown.Delegate("example.org", "matrix.example.org");
        AssertResolved(await ResolveAsync("example.org"), DiscoveryStep.DelegatedDefaultPort, "matrix.example.org",
            "matrix.example.org", ("matrix.example.org", 8448));
    }

    [Fact]
    public async Task Without_delegation_the_matrix_fed_srv_of_the_hostname_keeps_the_hostname_as_host_and_certificate()
    {
        _srv.Add("_matrix-fed._tcp.example.org",
            new SrvRecord("b.example.net", 8448, 20, 0, TimeSpan.FromHours(1)),
            new SrvRecord("a.example.net", 8449, 10, 0, TimeSpan.FromHours(1)));
        AssertResolved(await ResolveAsync("example.org"), DiscoveryStep.Srv, "example.org", "example.org",
            ("a.example.net", 8449), ("b.example.net", 8448));
        Assert.Equal(["example.org"], _wellKnown.Fetches);
    }

    [Fact]
    public async Task Without_delegation_the_deprecated_matrix_srv_is_the_fallback()
    {
        _srv.Add("_matrix._tcp.example.org", new SrvRecord("old.example.net", 8000, 0, 0, TimeSpan.FromHours(1)));
        AssertResolved(await ResolveAsync("example.org"), DiscoveryStep.LegacySrv, "example.org", "example.org",
            ("old.example.net", 8000));
    }

    [Fact]
    public async Task Without_delegation_or_srv_the_hostname_is_used_on_8448()
    {
        AssertResolved(await ResolveAsync("example.org"), DiscoveryStep.DefaultPort, "example.org", "example.org",
            ("example.org", 8448));
        Assert.Equal(["_matrix-fed._tcp.example.org", "_matrix._tcp.example.org"], _srv.Queries);
    }

    [Theory]
    [InlineData(200, "not json")]
    [InlineData(200, "[\"m.server\"]")]
    [InlineData(200, "{\"m.server\":42}")]
    [InlineData(200, "{\"other\":\"x.example\"}")]
    [InlineData(200, "{\"m.server\":\"bad host!\"}")]
    [InlineData(200, "{\"m.server\":\"x.example:99999\"}")]
    [InlineData(404, "{\"m.server\":\"x.example\"}")]
    [InlineData(302, "{\"m.server\":\"x.example\"}")]
    public async Task An_invalid_well_known_answer_goes_on_with_srv_of_the_hostname(int status, string body)
    {
        _wellKnown.Answers["example.org"] = FakeWellKnownFetcher.Json(status, body);
        _srv.Add("_matrix-fed._tcp.example.org", new SrvRecord("srv.example.net", 8448, 0, 0, TimeSpan.FromHours(1)));
        AssertResolved(await ResolveAsync("example.org"), DiscoveryStep.Srv, "example.org", "example.org",
            ("srv.example.net", 8448));
    }

    [Fact]
    public async Task A_temporary_well_known_failure_also_goes_on_with_srv()
    {
        _wellKnown.Answers["example.org"] = WellKnownFetchResult.Temporary;
        AssertResolved(await ResolveAsync("example.org"), DiscoveryStep.DefaultPort, "example.org", "example.org",
            ("example.org", 8448));
    }

    [Fact]
    public async Task An_srv_target_of_dot_means_the_service_is_not_available()
    {
        _srv.Add("_matrix-fed._tcp.example.org", new SrvRecord(".", 0, 0, 0, TimeSpan.FromHours(1)));
        await Assert.ThrowsAsync<ServerDiscoveryException>(() => ResolveAsync("example.org"));
    }

    [Fact]
    public async Task Host_overrides_replace_discovery_for_their_server_name_only()
    {
        var resolver = Resolver(new Dictionary<string, IPEndPoint>
        {
            ["hs1.test"] = IPEndPoint.Parse("127.0.0.1:18448"),
            ["hs2.test:8448"] = IPEndPoint.Parse("127.0.0.1:18449"),
        });
        AssertResolved(await ResolveAsync("hs1.test", resolver), DiscoveryStep.Override, "hs1.test", "hs1.test",
            ("127.0.0.1", 18448));
        AssertResolved(await ResolveAsync("hs2.test:8448", resolver), DiscoveryStep.Override, "hs2.test:8448",
            "hs2.test", ("127.0.0.1", 18449));
        Assert.Empty(_wellKnown.Fetches);
        AssertResolved(await ResolveAsync("hs2.test", resolver), DiscoveryStep.DefaultPort, "hs2.test", "hs2.test",
            ("hs2.test", 8448));
    }
}
