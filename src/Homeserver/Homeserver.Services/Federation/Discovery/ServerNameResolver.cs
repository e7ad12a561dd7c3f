using System.Net;
using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Federation.Discovery;

/// <summary>
/// Spec: Server-Server API, "Resolving server names" (v1.19): a server name to the targets to connect to, the
/// <c>Host</c> header and the certificate name. Pure over its lookups: well-known and SRV answers come through
/// <see cref="WellKnownResolver"/> and <see cref="SrvResolver"/>, which cache them.
/// </summary>
public sealed class ServerNameResolver(
    WellKnownResolver wellKnown, SrvResolver srv, IReadOnlyDictionary<string, IPEndPoint>? hostOverrides = null)
{
    public const int DefaultPort = 8448;

    /// <exception cref="ServerDiscoveryException">DNS failed with nothing cached, or SRV says "not available".</exception>
    public async Task<ResolvedServer> ResolveAsync(ServerName destination, CancellationToken cancellationToken)
    {
        var host = destination.Host;
        if (hostOverrides is not null && hostOverrides.TryGetValue(destination.Value, out var endPoint))
        {
            return new ResolvedServer(destination, [new ConnectTarget(endPoint.Address.ToString(), endPoint.Port)],
                destination.Value, Unbracketed(host), DiscoveryStep.Override);
        }

        // 1. An IP literal: that address, the given port or 8448; Host is the server name; certificate for the IP.
        if (IpLiteral.TryParse(host, out var address))
        {
            return new ResolvedServer(destination, [new ConnectTarget(address.ToString(), destination.Port ?? DefaultPort)],
                destination.Value, address.ToString(), DiscoveryStep.IpLiteral);
        }

        // 2. A hostname with a port: AAAA/A of the hostname; Host is the server name; certificate for the hostname.
        if (destination.Port is { } port)
        {
            return new ResolvedServer(destination, [new ConnectTarget(host, port)], destination.Value, host,
                DiscoveryStep.ExplicitPort);
        }

        // 3. /.well-known/matrix/server; an invalid or missing answer goes on with 4.
        if (await wellKnown.GetDelegationAsync(host, cancellationToken) is { } delegated)
        {
            return await ResolveDelegatedAsync(destination, delegated, cancellationToken);
        }

        // 4, 5. SRV of the hostname (_matrix-fed._tcp, then the deprecated _matrix._tcp); Host and certificate stay
        // the hostname: DNS is not secure, so the target must prove with its certificate that it serves the name.
        var (records, legacy) = await ResolveSrvAsync(host, cancellationToken);
        if (records.Count > 0)
        {
            return new ResolvedServer(destination, Targets(records), host, host,
                legacy ? DiscoveryStep.LegacySrv : DiscoveryStep.Srv);
        }

        // 6. The hostname on port 8448.
        return new ResolvedServer(destination, [new ConnectTarget(host, DefaultPort)], host, host,
            DiscoveryStep.DefaultPort);
    }

    private async Task<ResolvedServer> ResolveDelegatedAsync(ServerName destination, ServerName delegated,
        CancellationToken cancellationToken)
    {
        var host = delegated.Host;

        // 3.1. An IP literal: that address with its port or 8448; Host is the IP literal (with the port if given).
        if (IpLiteral.TryParse(host, out var address))
        {
            return new ResolvedServer(destination,
                [new ConnectTarget(address.ToString(), delegated.Port ?? DefaultPort)], delegated.Value,
                address.ToString(), DiscoveryStep.DelegatedIpLiteral);
        }

        // 3.2. A hostname with a port: Host is <delegated_hostname>:<delegated_port>; certificate for the hostname.
        if (delegated.Port is { } port)
        {
            return new ResolvedServer(destination, [new ConnectTarget(host, port)], delegated.Value, host,
                DiscoveryStep.DelegatedExplicitPort);
        }

        // 3.3, 3.4. SRV of the delegated hostname; Host and certificate are the delegated hostname.
        var (records, legacy) = await ResolveSrvAsync(host, cancellationToken);
        if (records.Count > 0)
        {
            return new ResolvedServer(destination, Targets(records), host, host,
                legacy ? DiscoveryStep.DelegatedLegacySrv : DiscoveryStep.DelegatedSrv);
        }

        // 3.5. The delegated hostname on port 8448.
        return new ResolvedServer(destination, [new ConnectTarget(host, DefaultPort)], host, host,
            DiscoveryStep.DelegatedDefaultPort);
    }

    private async Task<(IReadOnlyList<SrvRecord> Records, bool Legacy)> ResolveSrvAsync(string host,
        CancellationToken cancellationToken)
    {
        var records = await srv.ResolveAsync("_matrix-fed._tcp." + host, cancellationToken);
        if (records.Count > 0)
        {
            return (records, false);
        }

        return (await srv.ResolveAsync("_matrix._tcp." + host, cancellationToken), true);
    }

    private static ConnectTarget[] Targets(IReadOnlyList<SrvRecord> records) =>
        records.Select(r => new ConnectTarget(r.Target, r.Port)).ToArray();

    private static string Unbracketed(string host) =>
        host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
}
