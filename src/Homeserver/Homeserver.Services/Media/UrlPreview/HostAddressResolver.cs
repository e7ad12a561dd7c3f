using System.Net;

namespace Homeserver.Services.Media.UrlPreview;

/// <summary>Resolves host names for the URL preview fetcher, which checks every address before connecting to one.</summary>
public interface IHostAddressResolver
{
    /// <summary>The host's addresses; empty or a <see cref="System.Net.Sockets.SocketException"/> when it has none.</summary>
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}

/// <summary>The system's resolver (getaddrinfo: /etc/hosts, then DNS).</summary>
public sealed class SystemHostAddressResolver : IHostAddressResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        Dns.GetHostAddressesAsync(host, cancellationToken);
}
