using Homeserver.Services.Live.Webhooks;
using Homeserver.Storage.Live;

namespace Homeserver.Host.Hosting;

/// <summary>Incoming webhooks of live rooms (docs/LIVE.md, "Webhooks").</summary>
internal static class LiveWebhookRegistration
{
    public static IServiceCollection AddLiveWebhooks(this IServiceCollection services)
    {
        services.AddSingleton<ILiveWebhookStore, LiveWebhookStore>();
        services.AddSingleton<WebhookService>();
        services.AddSingleton<WebhookPoster>();
        return services;
    }
}
