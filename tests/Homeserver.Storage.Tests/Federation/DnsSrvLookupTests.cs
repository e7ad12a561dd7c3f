using Homeserver.Services.Federation.Discovery;
using Homeserver.Storage.Federation;

namespace Homeserver.Storage.Tests.Federation;

/// <summary>The DnsClient adapter against a name server on loopback.</summary>
public sealed class DnsSrvLookupTests : IDisposable
{
    private readonly LoopbackDnsServer _dns = new();

    public void Dispose() => _dns.Dispose();

    private Task<SrvLookupResult> LookupAsync(string name) =>
        new DnsSrvLookup(_dns.EndPoint).LookupAsync(name, CancellationToken.None);

    [Fact]
    public async Task Srv_records_are_read_with_their_ttl_and_without_the_trailing_dot()
    {
        _dns.Srv["_matrix-fed._tcp.example.test"] =
        [
            ("fed1.example.test", 8448, 10, 60, 300),
            ("fed2.example.test", 443, 20, 0, 120),
        ];
        var result = await LookupAsync("_matrix-fed._tcp.example.test");
        Assert.Equal(SrvLookupStatus.Found, result.Status);
        Assert.Equal(
        [
            new SrvRecord("fed1.example.test", 8448, 10, 60, TimeSpan.FromSeconds(300)),
            new SrvRecord("fed2.example.test", 443, 20, 0, TimeSpan.FromSeconds(120)),
        ], result.Records);
    }

    [Fact]
    public async Task A_root_target_is_kept_as_a_dot()
    {
        _dns.Srv["_matrix-fed._tcp.none.test"] = [(".", 0, 0, 0, 300)];
        var result = await LookupAsync("_matrix-fed._tcp.none.test");
        Assert.Equal(".", Assert.Single(result.Records).Target);
    }

    [Fact]
    public async Task A_name_that_does_not_exist_or_has_no_records_has_none()
    {
        Assert.Equal(SrvLookupStatus.NotFound, (await LookupAsync("_matrix-fed._tcp.missing.test")).Status);
        _dns.Srv["_matrix-fed._tcp.empty.test"] = [];
        Assert.Equal(SrvLookupStatus.NotFound, (await LookupAsync("_matrix-fed._tcp.empty.test")).Status);
    }

    [Fact]
    public async Task A_server_failure_is_a_failed_lookup()
    {
        _dns.Srv["_matrix-fed._tcp.broken.test"] = [];
        _dns.Failing.Add("_matrix-fed._tcp.broken.test");
        Assert.Equal(SrvLookupStatus.Failed, (await LookupAsync("_matrix-fed._tcp.broken.test")).Status);
    }
}
