using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Homeserver.Services.Federation.Discovery;

/// <summary>IP literals as server names write them: dotted-quad IPv4, or IPv6 in brackets.</summary>
public static class IpLiteral
{
    /// <summary>The address of a server name's hostname part when it is an IP literal (brackets removed).</summary>
    public static bool TryParse(string host, out IPAddress address)
    {
        address = IPAddress.None;
        if (host.Length > 2 && host[0] == '[' && host[^1] == ']')
        {
            if (IPAddress.TryParse(host.AsSpan(1, host.Length - 2), out var v6) &&
                v6.AddressFamily == AddressFamily.InterNetworkV6)
            {
                address = v6;
                return true;
            }

            return false;
        }

        // IPAddress.TryParse also reads "1", "1.2" or "0x7f.1" as IPv4; the grammar's IPv4address is four decimals.
        var parts = host.Split('.');
        if (parts.Length != 4 || !parts.All(IsOctet))
        {
            return false;
        }

        address = IPAddress.Parse(host);
        return true;
    }

    /// <summary>The host as a URI authority writes it: IPv6 in brackets.</summary>
    public static string ForUri(string host) =>
        IPAddress.TryParse(host, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6
            ? "[" + address + "]"
            : host;

    private static bool IsOctet(string part) =>
        part.Length is >= 1 and <= 3 && part.All(char.IsAsciiDigit) &&
        int.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture) <= 255;
}
