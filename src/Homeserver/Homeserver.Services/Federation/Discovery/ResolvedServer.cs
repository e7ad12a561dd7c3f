using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Federation.Discovery;

/// <summary>Which rule of "Resolving server names" decided (spec: Server-Server API, steps 1 to 6).</summary>
public enum DiscoveryStep
{
    /// <summary>A test's loopback override (<c>Federation:HostOverrides</c>), before any rule.</summary>
    Override,

    /// <summary>1: the hostname is an IP literal.</summary>
    IpLiteral,

    /// <summary>2: a hostname with an explicit port.</summary>
    ExplicitPort,

    /// <summary>3.1: delegated by <c>/.well-known</c> to an IP literal.</summary>
    DelegatedIpLiteral,

    /// <summary>3.2: delegated to a hostname with a port.</summary>
    DelegatedExplicitPort,

    /// <summary>3.3: delegated to a hostname with a <c>_matrix-fed._tcp</c> SRV record.</summary>
    DelegatedSrv,

    /// <summary>3.4 (deprecated): delegated to a hostname with only a <c>_matrix._tcp</c> SRV record.</summary>
    DelegatedLegacySrv,

    /// <summary>3.5: delegated to a hostname without SRV records: port 8448.</summary>
    DelegatedDefaultPort,

    /// <summary>4: no delegation, a <c>_matrix-fed._tcp</c> SRV record.</summary>
    Srv,

    /// <summary>5 (deprecated): no delegation, a <c>_matrix._tcp</c> SRV record.</summary>
    LegacySrv,

    /// <summary>6: no delegation and no SRV record: the hostname on port 8448.</summary>
    DefaultPort,
}

/// <summary>Where to connect, in order of preference: a hostname (resolved with AAAA/A) or an IP address.</summary>
public sealed record ConnectTarget(string Host, int Port);

/// <summary>
/// How to reach a server: the targets to try in order, the <c>Host</c> header to send and the name the certificate
/// must be valid for. That name is also the TLS SNI, except that an IP address is never sent as SNI.
/// </summary>
public sealed record ResolvedServer(
    ServerName Destination, IReadOnlyList<ConnectTarget> Targets, string HostHeader, string CertificateName,
    DiscoveryStep Step);
