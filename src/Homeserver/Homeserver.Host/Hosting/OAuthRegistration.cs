using Homeserver.Services.OAuth;
using Homeserver.Storage.OAuth;

namespace Homeserver.Host.Hosting;

/// <summary>The OAuth 2.0 API: client registration, the login and consent pages, the token and revocation endpoints.</summary>
public static class OAuthRegistration
{
    public static IServiceCollection AddOAuth(this IServiceCollection services)
    {
        services.AddSingleton<IOAuthClientStore, OAuthClientStore>();
        services.AddSingleton<IAuthorizationRequestStore, AuthorizationRequestStore>();
        services.AddSingleton<IBrowserSessionStore, BrowserSessionStore>();
        services.AddSingleton<IOAuthSessionStore, OAuthSessionStore>();
        services.AddSingleton<IDeviceGrantStore, DeviceGrantStore>();
        services.AddSingleton<DeviceAuthorization>();
        services.AddSingleton<AccountManagementPages>();
        services.AddSingleton<BrowserSessions>();
        services.AddSingleton<OAuthClientRegistration>();
        services.AddSingleton<OAuthAuthorizationService>();
        services.AddSingleton<OAuthTokenService>();
        return services;
    }
}
