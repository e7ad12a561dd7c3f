using Homeserver.Services.Federation;
using Homeserver.Services.Federation.Keys;
using Homeserver.Storage.Federation;

namespace Homeserver.Host.Hosting;

/// <summary>The services of the federation listener: server keys (ours, other servers' fetched over the federation
/// client, the notary), X-Matrix on both sides.</summary>
public static class FederationRegistration
{
    public static IServiceCollection AddFederation(this IServiceCollection services)
    {
        services.AddSingleton<ILocalSigningKeyStore, LocalSigningKeyStore>();
        services.AddSingleton<IRemoteServerKeyStore, RemoteServerKeyStore>();
        services.AddSingleton<LocalServerKeys>();
        services.AddSingleton<IServerKeyTransport, FederationKeyTransport>();
        services.AddSingleton<Homeserver.Services.Federation.Client.IFederationRequestSigner,
            Homeserver.Services.Federation.Client.XMatrixRequestSigner>();
        services.AddSingleton<ServerKeyFetcher>();
        services.AddSingleton<IServerKeyResolver, ServerKeyResolver>();
        services.AddSingleton<NotaryService>();
        services.AddSingleton<FederationProfileQuery>();
        services.AddSingleton<Homeserver.Services.Federation.Events.RemotePduVerifier>();
        services.AddSingleton<ServerAclGuard>();
        services.AddFederationQueries();
        return services;
    }
}
