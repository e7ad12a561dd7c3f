using System.Globalization;

namespace Homeserver.Core.Identifiers;

/// <summary>
/// A server name as the appendix grammar defines it: <c>hostname [ ":" port ]</c> where hostname is
/// an IPv4 literal, a bracketed IPv6 literal or a DNS name of <c>[A-Za-z0-9.-]</c>, at most 255 characters.
/// </summary>
public readonly record struct ServerName
{
    public const int MaxLength = 255;

    private ServerName(string value, string host, int? port)
    {
        Value = value;
        Host = host;
        Port = port;
    }

    public string Value { get; }

    /// <summary>The hostname part, brackets kept for IPv6 literals.</summary>
    public string Host { get; }

    public int? Port { get; }

    public override string ToString() => Value;

    public static ServerName Parse(string text) =>
        TryParse(text, out var name, out var error) ? name : throw new FormatException(error);

    public static bool TryParse(string? text, out ServerName serverName, out string error)
    {
        serverName = default;
        if (string.IsNullOrEmpty(text))
        {
            error = "a server name cannot be empty";
            return false;
        }

        if (text.Length > MaxLength)
        {
            error = $"a server name is at most {MaxLength} characters";
            return false;
        }

        string host;
        string? portText = null;
        if (text[0] == '[')
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                error = "an IPv6 literal must end with ']'";
                return false;
            }

            host = text[..(close + 1)];
            var rest = text[(close + 1)..];
            if (rest.Length > 0)
            {
                if (rest[0] != ':')
                {
                    error = "only ':port' may follow an IPv6 literal";
                    return false;
                }

                portText = rest[1..];
            }

            if (!IsIpv6Literal(host[1..^1]))
            {
                error = $"'{host}' is not an IPv6 literal";
                return false;
            }
        }
        else
        {
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            host = colon < 0 ? text : text[..colon];
            portText = colon < 0 ? null : text[(colon + 1)..];
            if (host.Length == 0 || !host.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.'))
            {
                error = $"'{host}' is not a valid hostname (letters, digits, '-' and '.' only)";
                return false;
            }
        }

        int? port = null;
        if (portText is not null)
        {
            if (portText.Length is 0 or > 5 || !portText.All(char.IsAsciiDigit) ||
                !int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p > 65535)
            {
                error = $"'{portText}' is not a valid port (1 to 5 digits, at most 65535)";
                return false;
            }

            port = p;
        }

        serverName = new ServerName(text, host, port);
        error = "";
        return true;
    }

    // The grammar allows 2 to 45 characters of hex digits, ':' and '.' (for embedded IPv4).
    private static bool IsIpv6Literal(string inner) =>
        inner.Length is >= 2 and <= 45 &&
        inner.All(c => char.IsAsciiHexDigit(c) || c is ':' or '.') &&
        System.Net.IPAddress.TryParse(inner, out var address) &&
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
}
