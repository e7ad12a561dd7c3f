using Homeserver.Bridges.AppService.Events;
using Homeserver.Bridges.AppService.Http;

namespace Homeserver.Bridges.AppService.Example;

/// <summary>Builds and starts the echo bot's web application: the SDK, the bot, the appservice API on the listener.</summary>
public static class EchoBotApp
{
    public const string SettingsSection = "EchoBot";
    public const string DisplayName = "Echo bot";

    /// <summary>Starts the bot (migrating its store first); the caller stops and disposes it.</summary>
    public static async Task<WebApplication> StartAsync(AppServiceSettings settings, Action<IServiceCollection>? configure,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(settings.Listen.GetLeftPart(UriPartial.Authority));
        builder.Services.AddAppService(settings);
        builder.Services.AddSingleton<IMatrixEventReceiver, EchoBot>();
        configure?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapAppServiceApi();
        await app.Services.GetRequiredService<AppServiceDatabase>().MigrateAsync(cancellationToken);
        await app.StartAsync(cancellationToken);
        return app;
    }
}
