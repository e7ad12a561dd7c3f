using System.Net;
using System.Net.Sockets;

namespace Homeserver.Services.Media.UrlPreview;

/// <summary>
/// Decides which addresses URL previews may connect to (pure; no I/O). Built-in denied ranges cover this host,
/// private, shared, link-local, documentation, benchmarking, multicast and reserved space (Synapse's default
/// <c>url_preview_ip_range_blacklist</c> and a little more); configured denied ranges add to them, and configured
/// allowed ranges override both. IPv6 addresses that carry an IPv4 address (IPv4-mapped <c>::ffff:0:0/96</c>,
/// IPv4-compatible <c>::/96</c>, NAT64 <c>64:ff9b::/96</c> and <c>64:ff9b:1::/48</c>, 6to4 <c>2002::/16</c>) are
/// judged by that IPv4 address as well: <c>::ffff:127.0.0.1</c> is loopback.
/// </summary>
public sealed class UrlPreviewAddressFilter
{
    /// <summary>The ranges refused unless allowed by configuration.</summary>
    public static readonly IReadOnlyList<IPNetwork> BuiltInDenied =
    [
        IPNetwork.Parse("0.0.0.0/8"), // "this network"; 0.0.0.0 reaches this host on Linux
        IPNetwork.Parse("10.0.0.0/8"),
        IPNetwork.Parse("100.64.0.0/10"), // carrier-grade NAT
        IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"), // link-local, cloud metadata services
        IPNetwork.Parse("172.16.0.0/12"),
        IPNetwork.Parse("192.0.0.0/24"), // IETF protocol assignments
        IPNetwork.Parse("192.0.2.0/24"), // documentation
        IPNetwork.Parse("192.88.99.0/24"), // former 6to4 relays
        IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("198.18.0.0/15"), // benchmarking
        IPNetwork.Parse("198.51.100.0/24"), // documentation
        IPNetwork.Parse("203.0.113.0/24"), // documentation
        IPNetwork.Parse("224.0.0.0/4"), // multicast
        IPNetwork.Parse("240.0.0.0/4"), // reserved
        IPNetwork.Parse("255.255.255.255/32"),
        IPNetwork.Parse("::/128"),
        IPNetwork.Parse("::1/128"),
        IPNetwork.Parse("100::/64"), // discard-only
        IPNetwork.Parse("2001:db8::/32"), // documentation
        IPNetwork.Parse("fc00::/7"), // unique local
        IPNetwork.Parse("fe80::/10"), // link-local
        IPNetwork.Parse("fec0::/10"), // former site-local
        IPNetwork.Parse("ff00::/8"), // multicast
    ];

    private static readonly IPNetwork Ipv4Mapped = IPNetwork.Parse("::ffff:0:0/96");
    private static readonly IPNetwork Ipv4Compatible = IPNetwork.Parse("::/96");
    private static readonly IPNetwork Nat64WellKnown = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork Nat64Local = IPNetwork.Parse("64:ff9b:1::/48");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    private readonly IReadOnlyList<IPNetwork> _denied;
    private readonly IReadOnlyList<IPNetwork> _allowed;

    public UrlPreviewAddressFilter(IEnumerable<IPNetwork> denied, IEnumerable<IPNetwork> allowed)
    {
        ArgumentNullException.ThrowIfNull(denied);
        ArgumentNullException.ThrowIfNull(allowed);
        _denied = [.. BuiltInDenied, .. denied];
        _allowed = [.. allowed];
    }

    /// <summary>The built-in ranges only.</summary>
    public static UrlPreviewAddressFilter Default { get; } = new([], []);

    /// <summary>True when a connection to <paramref name="address"/> may be made.</summary>
    public bool IsAllowed(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var embedded = EmbeddedIpv4(address);
        if (InAny(_allowed, address) || (embedded is not null && InAny(_allowed, embedded)))
        {
            return true;
        }

        return !InAny(_denied, address) && (embedded is null || !InAny(_denied, embedded));
    }

    /// <summary>The IPv4 address an IPv6 address stands for or carries, if any.</summary>
    public static IPAddress? EmbeddedIpv4(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        var bytes = address.GetAddressBytes();
        if (Ipv4Mapped.Contains(address) || Nat64WellKnown.Contains(address) || Nat64Local.Contains(address))
        {
            return new IPAddress(bytes.AsSpan(12, 4));
        }

        // ::a.b.c.d (deprecated IPv4-compatible form); :: and ::1 themselves are IPv6 addresses, denied as such.
        if (Ipv4Compatible.Contains(address) && !address.Equals(IPAddress.IPv6None) &&
            !address.Equals(IPAddress.IPv6Loopback))
        {
            return new IPAddress(bytes.AsSpan(12, 4));
        }

        return SixToFour.Contains(address) ? new IPAddress(bytes.AsSpan(2, 4)) : null;
    }

    private static bool InAny(IReadOnlyList<IPNetwork> networks, IPAddress address)
    {
        foreach (var network in networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }
}
