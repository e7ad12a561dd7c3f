using System.Net;
using Homeserver.Services.Federation.Discovery;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Support;

/// <summary>
/// Test servers never look another server up on the network: no well-known fetch, no SRV query, no address for any
/// name. A server name the test did not map to a loopback listener (<c>Federation:HostOverrides</c>, as
/// <see cref="Federation.FederationCluster"/> does) is unreachable at once.
/// </summary>
internal sealed class NoNetworkDiscovery : IWellKnownFetcher, ISrvLookup, IHostAddressLookup
{
    public static void Register(IServiceCollection services)
    {
        var discovery = new NoNetworkDiscovery();
        services.AddSingleton<IWellKnownFetcher>(discovery);
        services.AddSingleton<ISrvLookup>(discovery);
        services.AddSingleton<IHostAddressLookup>(discovery);
    }

    public Task<WellKnownFetchResult> FetchAsync(string hostname, CancellationToken cancellationToken) =>
        Task.FromResult(WellKnownFetchResult.Temporary);

    public Task<SrvLookupResult> LookupAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult(SrvLookupResult.NotFound);

    public Task<IReadOnlyList<IPAddress>> GetAddressesAsync(string host, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<IPAddress>>([]);
}
