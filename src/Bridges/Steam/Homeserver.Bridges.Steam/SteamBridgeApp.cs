using Homeserver.Bridges.AppService;
using Homeserver.Bridges.AppService.Events;
using Homeserver.Bridges.AppService.Http;
using Homeserver.Bridges.Steam.Bot;
using Homeserver.Bridges.Steam.Client;
using Homeserver.Bridges.Steam.Links;
using Homeserver.Bridges.Steam.Matrix;
using Homeserver.Bridges.Steam.Store;
using Homeserver.Bridges.Steam.Sync;

namespace Homeserver.Bridges.Steam;

/// <summary>Builds and starts the bridge: the SDK, the Steam client, the store (migrated first), the bot, the poller
/// and the appservice API on the listener.</summary>
public static class SteamBridgeApp
{
    public const string RegistrationId = "steam";
    public const string DisplayName = "Steam bridge";

    /// <summary>Starts the bridge; the caller stops and disposes it. <paramref name="configure"/> may replace services
    /// (tests: a clock, Web API options).</summary>
    public static async Task<WebApplication> StartAsync(SteamBridgeSettings settings, Action<IServiceCollection>? configure,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(settings.AppService.Listen.GetLeftPart(UriPartial.Authority));
        builder.Services.AddAppService(settings.AppService);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<SteamHttp>();
        builder.Services.AddSingleton(new SteamWebApiOptions
        {
            BaseUrl = settings.WebApiBaseUrl,
            Key = settings.WebApiKey,
            DailyCallBudget = settings.DailyCallBudget,
        });
        builder.Services.AddSingleton(sp => new SteamWebApiClient(sp.GetRequiredService<SteamHttp>().Http,
            sp.GetRequiredService<SteamWebApiOptions>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<SteamWebApiClient>>()));
        builder.Services.AddSingleton(sp => new SteamBridgeStore(sp.GetRequiredService<AppServiceDatabase>().DataSource,
            sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<PuppetClient>();
        builder.Services.AddSingleton<AvatarMirror>();
        builder.Services.AddSingleton<ProfileSync>();
        builder.Services.AddSingleton<FriendSync>();
        builder.Services.AddSingleton<SsoLinkPoller>();
        builder.Services.AddSingleton<ISyncCycle, SyncCycle>();
        builder.Services.AddSingleton<SteamPoller>();
        builder.Services.AddSingleton<ISteamRefresh>(sp => sp.GetRequiredService<SteamPoller>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SteamPoller>());
        builder.Services.AddSingleton<BotCommands>();
        builder.Services.AddSingleton<IMatrixEventReceiver, SteamBot>();
        configure?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapAppServiceApi();
        await StoreMigrations.ApplyAsync(app.Services.GetRequiredService<AppServiceDatabase>(), cancellationToken);
        await app.StartAsync(cancellationToken);
        return app;
    }
}
