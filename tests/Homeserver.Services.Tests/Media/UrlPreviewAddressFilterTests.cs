using System.Net;
using Homeserver.Services.Media.UrlPreview;

namespace Homeserver.Services.Tests.Media;

/// <summary>The address filter alone: addresses are only compared, never connected to.</summary>
public sealed class UrlPreviewAddressFilterTests
{
    private static readonly UrlPreviewAddressFilter Default = UrlPreviewAddressFilter.Default;

    // Each built-in range by its first and last address (and one inside where the ends are special).
    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("0.255.255.255")]
    [InlineData("10.0.0.0")]
    [InlineData("10.255.255.255")]
    [InlineData("100.64.0.0")]
    [InlineData("100.127.255.255")]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.255.254")]
    [InlineData("169.254.169.254")]
    [InlineData("169.254.0.0")]
    [InlineData("172.16.0.0")]
    [InlineData("172.31.255.255")]
    [InlineData("192.0.0.0")]
    [InlineData("192.0.0.255")]
    [InlineData("192.0.2.0")]
    [InlineData("192.0.2.255")]
    [InlineData("192.88.99.1")]
    [InlineData("192.168.0.0")]
    [InlineData("192.168.255.255")]
    [InlineData("198.18.0.0")]
    [InlineData("198.19.255.255")]
    [InlineData("198.51.100.0")]
    [InlineData("198.51.100.255")]
    [InlineData("203.0.113.0")]
    [InlineData("203.0.113.255")]
    [InlineData("224.0.0.0")]
    [InlineData("239.255.255.255")]
    [InlineData("240.0.0.0")]
    [InlineData("254.255.255.255")]
    [InlineData("255.255.255.255")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("100::")]
    [InlineData("100::ffff:ffff:ffff:ffff")]
    [InlineData("2001:db8::")]
    [InlineData("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")]
    [InlineData("fc00::")]
    [InlineData("fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")]
    [InlineData("fe80::")]
    [InlineData("fe80::1%2")]
    [InlineData("febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff")]
    [InlineData("fec0::1")]
    [InlineData("ff00::")]
    [InlineData("ff02::1")]
    [InlineData("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")]
    public void Built_in_ranges_are_denied(string address)
    {
        Assert.False(Default.IsAllowed(IPAddress.Parse(address)));
    }

    // Just outside each range's edges, and ordinary public addresses.
    [Theory]
    [InlineData("1.0.0.0")]
    [InlineData("9.255.255.255")]
    [InlineData("11.0.0.0")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.0")]
    [InlineData("126.255.255.255")]
    [InlineData("128.0.0.0")]
    [InlineData("169.253.255.255")]
    [InlineData("169.255.0.0")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.0")]
    [InlineData("192.0.1.0")]
    [InlineData("192.0.3.0")]
    [InlineData("192.167.255.255")]
    [InlineData("192.169.0.0")]
    [InlineData("198.17.255.255")]
    [InlineData("198.20.0.0")]
    [InlineData("198.51.99.255")]
    [InlineData("198.51.101.0")]
    [InlineData("203.0.112.255")]
    [InlineData("203.0.114.0")]
    [InlineData("223.255.255.255")]
    [InlineData("8.8.8.8")]
    [InlineData("::1:0:0:1")]
    [InlineData("100:0:0:1::")]
    [InlineData("2001:db7:ffff:ffff:ffff:ffff:ffff:ffff")]
    [InlineData("2001:db9::")]
    [InlineData("fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")]
    [InlineData("fe00::")]
    [InlineData("2606:4700::1111")]
    public void Addresses_outside_the_built_in_ranges_are_allowed(string address)
    {
        Assert.True(Default.IsAllowed(IPAddress.Parse(address)));
    }

    // IPv6 forms carrying an IPv4 address are judged by that address.
    [Theory]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.1.2.3")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::ffff:0.0.0.0")]
    [InlineData("64:ff9b::127.0.0.1")]
    [InlineData("64:ff9b::192.168.1.1")]
    [InlineData("64:ff9b:1::10.0.0.1")]
    [InlineData("::127.0.0.1")]
    [InlineData("::10.0.0.1")]
    [InlineData("2002:7f00:0001::")]
    [InlineData("2002:a9fe:a9fe::1")]
    public void Ipv6_addresses_embedding_a_denied_ipv4_address_are_denied(string address)
    {
        Assert.False(Default.IsAllowed(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::8.8.8.8")]
    [InlineData("64:ff9b:1::8.8.4.4")]
    [InlineData("2002:0808:0808::1")]
    public void Ipv6_addresses_embedding_a_public_ipv4_address_are_allowed(string address)
    {
        Assert.True(Default.IsAllowed(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("::ffff:127.0.0.1", "127.0.0.1")]
    [InlineData("64:ff9b::a00:1", "10.0.0.1")]
    [InlineData("2002:c0a8:0101::", "192.168.1.1")]
    [InlineData("::192.168.1.1", "192.168.1.1")]
    public void The_embedded_ipv4_address_is_extracted(string address, string embedded)
    {
        Assert.Equal(IPAddress.Parse(embedded), UrlPreviewAddressFilter.EmbeddedIpv4(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("2606:4700::1111")]
    [InlineData("127.0.0.1")]
    public void Addresses_without_an_embedded_ipv4_address_have_none(string address)
    {
        Assert.Null(UrlPreviewAddressFilter.EmbeddedIpv4(IPAddress.Parse(address)));
    }

    [Fact]
    public void Configured_denied_ranges_add_to_the_built_in_ones()
    {
        var filter = new UrlPreviewAddressFilter([IPNetwork.Parse("8.8.8.0/24"), IPNetwork.Parse("2606:4700::/32")], []);

        Assert.False(filter.IsAllowed(IPAddress.Parse("8.8.8.8")));
        Assert.False(filter.IsAllowed(IPAddress.Parse("::ffff:8.8.8.8")));
        Assert.False(filter.IsAllowed(IPAddress.Parse("2606:4700::1111")));
        Assert.False(filter.IsAllowed(IPAddress.Parse("127.0.0.1")));
        Assert.True(filter.IsAllowed(IPAddress.Parse("8.8.4.4")));
    }

    [Fact]
    public void Allowed_ranges_override_built_in_denied_ranges()
    {
        var filter = new UrlPreviewAddressFilter([], [IPNetwork.Parse("127.0.0.1/32"), IPNetwork.Parse("fd00::/8")]);

        Assert.True(filter.IsAllowed(IPAddress.Parse("127.0.0.1")));
        Assert.True(filter.IsAllowed(IPAddress.Parse("::ffff:127.0.0.1")));
        Assert.True(filter.IsAllowed(IPAddress.Parse("fd12::1")));
        Assert.False(filter.IsAllowed(IPAddress.Parse("127.0.0.2")));
        Assert.False(filter.IsAllowed(IPAddress.Parse("::1")));
        Assert.False(filter.IsAllowed(IPAddress.Parse("fc00::1")));
    }

    [Fact]
    public void Allowed_ranges_override_configured_denied_ranges()
    {
        var filter = new UrlPreviewAddressFilter([IPNetwork.Parse("8.8.0.0/16")], [IPNetwork.Parse("8.8.8.8/32")]);

        Assert.True(filter.IsAllowed(IPAddress.Parse("8.8.8.8")));
        Assert.False(filter.IsAllowed(IPAddress.Parse("8.8.4.4")));
    }

    [Fact]
    public void Every_required_range_is_built_in()
    {
        var required = new[]
        {
            "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
            "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
            "224.0.0.0/4", "240.0.0.0/4", "255.255.255.255/32", "::/128", "::1/128", "100::/64", "2001:db8::/32",
            "fc00::/7", "fe80::/10", "ff00::/8",
        };

        Assert.All(required, range => Assert.Contains(IPNetwork.Parse(range), UrlPreviewAddressFilter.BuiltInDenied));
    }
}
