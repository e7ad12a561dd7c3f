using Homeserver.Services.Accounts;
using Homeserver.Services.Configuration;
using Homeserver.Services.Federation.Client;
using Homeserver.Services.Federation.Queries;
using Homeserver.Services.Keys;
using Homeserver.Services.Media;
using Homeserver.Services.Rooms.Directory;

namespace Homeserver.Host.Hosting;

/// <summary>Federation queries: the client API's ports onto other servers (aliases, profiles, directories, keys,
/// media) and the services answering other servers' queries.</summary>
public static class FederationQueryRegistration
{
    public static IServiceCollection AddFederationQueries(this IServiceCollection services)
    {
        services.AddSingleton<FederationQueryClient>();
        services.AddSingleton<IRemoteRoomDirectory>(sp => sp.GetRequiredService<FederationQueryClient>());
        services.AddSingleton<IRemoteProfiles>(sp => sp.GetRequiredService<FederationQueryClient>());
        services.AddSingleton<IRemoteKeyQueries>(sp => sp.GetRequiredService<FederationQueryClient>());
        services.AddSingleton<IRemoteMediaFetcher>(sp => new FederationMediaFetcher(
            sp.GetRequiredService<FederationClient>(), sp.GetRequiredService<HomeserverSettings>(),
            sp.GetRequiredKeyedService<HttpMessageInvoker>(FederationClientRegistration.HttpKey)));
        services.AddSingleton<FederationHierarchyQuery>();
        services.AddSingleton<FederationDeviceQuery>();
        return services;
    }
}
