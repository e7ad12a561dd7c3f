using Homeserver.Services.AppServices;
using Homeserver.Services.Configuration;

namespace Homeserver.Host.Hosting;

/// <summary>The Application Service API's services: the registrations read at start, and what serves them.</summary>
internal static class AppServiceHosting
{
    public static IServiceCollection AddAppServices(this IServiceCollection services, HomeserverSettings settings)
    {
        services.AddSingleton(settings.AppServices);
        services.AddSingleton(settings.AppServices.Registry);
        services.AddSingleton<AppServiceAuthenticator>();
        return services;
    }
}
