using Homeserver.Services.Sso;
using Homeserver.Storage.Sso;

namespace Homeserver.Host.Hosting;

/// <summary>Single sign-on: Sign in with Steam (browser and game-ticket logins) and the external ID links.</summary>
public static class SsoRegistration
{
    public static IServiceCollection AddSso(this IServiceCollection services)
    {
        services.AddSingleton<IExternalIdStore, ExternalIdStore>();
        services.AddSingleton<ISsoSessionStore, SsoSessionStore>();
        services.AddSingleton<SteamClient>();
        services.AddSingleton<SteamAccounts>();
        services.AddSingleton<SteamSignIn>();
        services.AddSingleton<IExtraLoginMethod, SteamSsoLoginMethod>();
        services.AddSingleton<IExtraLoginMethod, SteamTicketLoginMethod>();
        return services;
    }
}
