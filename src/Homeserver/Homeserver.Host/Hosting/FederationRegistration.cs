using Homeserver.Services.Federation;
using Homeserver.Services.Federation.Keys;
using Homeserver.Storage.Federation;

namespace Homeserver.Host.Hosting;

/// <summary>The services of the federation listener: server keys (ours, other servers', the notary), X-Matrix.</summary>
public static class FederationRegistration
{
    public static IServiceCollection AddFederation(this IServiceCollection services)
    {
        services.AddSingleton<ILocalSigningKeyStore, LocalSigningKeyStore>();
        services.AddSingleton<IRemoteServerKeyStore, RemoteServerKeyStore>();
        services.AddSingleton<LocalServerKeys>();
        services.AddSingleton<IServerKeyTransport, UnavailableServerKeyTransport>();
        services.AddSingleton<ServerKeyFetcher>();
        services.AddSingleton<IServerKeyResolver, ServerKeyResolver>();
        services.AddSingleton<NotaryService>();
        services.AddSingleton<FederationProfileQuery>();
        return services;
    }
}
