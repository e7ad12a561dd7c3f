using System.Globalization;
using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Configuration;

/// <summary>Which servers this one federates with, and how fast each may ask (<c>Federation:*</c>).</summary>
/// <param name="AllowedServers">When not empty, the only servers federated with (Synapse's
/// <c>federation_domain_whitelist</c>); empty: every server.</param>
/// <param name="DeniedServers">Servers never federated with, whatever <paramref name="AllowedServers"/> says.</param>
/// <param name="InboundRequestRate">Authenticated federation requests per origin server (token bucket); a rate of 0
/// turns the limit off. Beyond it: 429 <c>M_LIMIT_EXCEEDED</c>.</param>
public sealed record FederationAccessSettings(IReadOnlySet<string> AllowedServers, IReadOnlySet<string> DeniedServers,
    RateLimit InboundRequestRate)
{
    public static readonly FederationAccessSettings Default = new(
        new HashSet<string>(StringComparer.OrdinalIgnoreCase), new HashSet<string>(StringComparer.OrdinalIgnoreCase),
        new RateLimit(50, 200));

    /// <summary>Whether requests to and from <paramref name="server"/> are allowed.</summary>
    public bool Allows(ServerName server) =>
        !DeniedServers.Contains(server.Value) && (AllowedServers.Count == 0 || AllowedServers.Contains(server.Value));
}

/// <summary>Reads <see cref="FederationAccessSettings"/> for <see cref="SettingsReader"/>.</summary>
internal static class FederationAccessSettingsReader
{
    public static FederationAccessSettings Read(SettingsReader.ValueReader reader)
    {
        var allowed = reader.ParseList("Federation:AllowedServers", ParseServerName);
        var denied = reader.ParseList("Federation:DeniedServers", ParseServerName);
        var rate = reader.Parse("Federation:InboundRequestsPerSecond", text =>
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0 &&
            double.IsFinite(value)
                ? (value, null)
                : (0d, $"'{text}' is not a number of requests per second (0 turns the limit off)"));
        var burst = reader.Parse("Federation:InboundRequestBurst", text => SettingsReader.ParseInteger(text, 1, 1_000_000));
        return new FederationAccessSettings(allowed.ToHashSet(StringComparer.OrdinalIgnoreCase),
            denied.ToHashSet(StringComparer.OrdinalIgnoreCase), new RateLimit(rate, burst));
    }

    private static (string, string?) ParseServerName(string text) =>
        ServerName.TryParse(text, out var name, out var problem) ? (name.Value, null) : ("", problem);
}
