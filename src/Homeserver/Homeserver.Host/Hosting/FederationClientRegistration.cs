using Homeserver.Services.Configuration;
using Homeserver.Services.Federation.Client;
using Homeserver.Services.Federation.Discovery;
using Homeserver.Storage.Federation;

namespace Homeserver.Host.Hosting;

/// <summary>Outbound federation: server discovery and the signed, bounded HTTP client. The client needs an
/// <see cref="IFederationRequestSigner"/> registered by the federation keys.</summary>
public static class FederationClientRegistration
{
    public const string HttpKey = "federation";

    public static IServiceCollection AddFederationClient(this IServiceCollection services,
        FederationClientSettings settings)
    {
        services.AddSingleton(settings);
        services.AddSingleton<ISrvLookup, DnsSrvLookup>();
        services.AddSingleton<IHostAddressLookup, SystemHostAddressLookup>();
        services.AddKeyedSingleton(HttpKey, (sp, _) => new HttpMessageInvoker(
            FederationHttpHandler.Create(settings, sp.GetRequiredService<IHostAddressLookup>())));
        services.AddSingleton<IWellKnownFetcher>(sp => new WellKnownHttpFetcher(
            sp.GetRequiredKeyedService<HttpMessageInvoker>(HttpKey), settings.RequestTimeout,
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new WellKnownResolver(sp.GetRequiredService<IWellKnownFetcher>(),
            sp.GetRequiredService<TimeProvider>(), new Random()));
        services.AddSingleton(sp => new SrvResolver(sp.GetRequiredService<ISrvLookup>(),
            sp.GetRequiredService<TimeProvider>(), new Random()));
        services.AddSingleton(sp => new ServerNameResolver(sp.GetRequiredService<WellKnownResolver>(),
            sp.GetRequiredService<SrvResolver>(), settings.HostOverrides));
        services.AddSingleton(sp => new DestinationBackoff(settings.BackoffMin, settings.BackoffMax,
            sp.GetRequiredService<TimeProvider>(), new Random()));
        services.AddSingleton(new DestinationLimiter(settings.MaxConcurrentRequestsPerDestination));
        services.AddSingleton(sp => new FederationClient(sp.GetRequiredService<ServerNameResolver>(),
            sp.GetRequiredService<IFederationRequestSigner>(), sp.GetRequiredKeyedService<HttpMessageInvoker>(HttpKey),
            settings, sp.GetRequiredService<DestinationBackoff>(), sp.GetRequiredService<DestinationLimiter>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetService<HomeserverSettings>()?.FederationAccess));
        return services;
    }
}
