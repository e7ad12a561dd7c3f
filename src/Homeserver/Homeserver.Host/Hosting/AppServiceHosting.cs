using Homeserver.Services.AppServices;
using Homeserver.Services.AppServices.Push;
using Homeserver.Services.Configuration;
using Homeserver.Services.Streams;
using Homeserver.Storage.AppServices;

namespace Homeserver.Host.Hosting;

/// <summary>The Application Service API's services: the registrations read at start, and what serves them.</summary>
internal static class AppServiceHosting
{
    public static IServiceCollection AddAppServices(this IServiceCollection services, HomeserverSettings settings)
    {
        services.AddSingleton(settings.AppServices);
        services.AddSingleton(settings.AppServices.Registry);
        services.AddSingleton<AppServiceSenderAccounts>();

        // Pushing to appservices: the outbound client, the durable queue, the stream consumer and the sender.
        services.AddSingleton(sp => new AppServiceClientOptions(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<AppServiceClient>();
        services.AddSingleton<IAppServiceQueueStore, AppServiceQueueStore>();
        services.AddSingleton<IAppServiceRoomFactsReader, AppServiceRoomFactsReader>();
        services.AddSingleton<IAppServiceDeviceKeysReader, AppServiceDeviceKeysReader>();
        services.AddSingleton<AppServiceTransactionDelivery>();
        services.AddSingleton<AppServiceSender>();
        services.AddSingleton<AppServiceRoomInterest>();
        services.AddSingleton<IEventStreamConsumer, AppServiceEventConsumer>();
        services.AddSingleton<AppServiceEphemeralPush>();
        services.AddSingleton<Homeserver.Services.Accounts.IDeviceListObserver>(sp =>
            sp.GetRequiredService<AppServiceEphemeralPush>());

        // Calls to appservices: queries for unknown users and aliases, third-party lookups, ping.
        services.AddSingleton<AppServiceQueries>();
        services.AddSingleton<ThirdPartyProtocols>();
        services.AddSingleton<AppServicePing>();
        services.AddSingleton<AppServiceAuthenticator>();
        return services;
    }
}
