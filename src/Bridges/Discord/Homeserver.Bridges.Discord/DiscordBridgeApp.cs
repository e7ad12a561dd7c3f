using Homeserver.Bridges.AppService;
using Homeserver.Bridges.AppService.Client;
using Homeserver.Bridges.AppService.Events;
using Homeserver.Bridges.AppService.Http;
using Homeserver.Bridges.AppService.Registration;
using Homeserver.Bridges.Discord.Client.Gateway;
using Homeserver.Bridges.Discord.Client.Rest;
using Homeserver.Bridges.Discord.Store;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Homeserver.Bridges.Discord;

/// <summary>Builds and starts the bridge: the appservice SDK and its listener, the bridge's store, and the gateway.</summary>
public static class DiscordBridgeApp
{
    public const string DisplayName = "Discord bridge";
    public const string AppServiceId = "discord";
    public const string SenderLocalpart = "_discord_bot";
    public const string AliasPrefix = "_discord_";

    /// <summary>A fresh registration: new tokens, users <c>@_discord_.*</c>, aliases <c>#_discord_.*</c>, sender
    /// <c>_discord_bot</c>, the appservice reached at <paramref name="listen"/>.</summary>
    public static Registration NewRegistration(string serverName, string listen) => RegistrationGenerator.Create(AppServiceId,
        listen, SenderLocalpart, serverName, userPrefix: Ghosts.LocalpartPrefix, aliasPrefix: AliasPrefix);

    /// <summary>Starts the bridge (migrating its store first); the caller stops and disposes it.</summary>
    public static async Task<WebApplication> StartAsync(AppServiceSettings settings, DiscordSettings discord,
        Action<IServiceCollection>? configure, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(discord);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(settings.Listen.GetLeftPart(UriPartial.Authority));
        builder.Services.AddAppService(settings);
        builder.Services.AddSingleton(discord);
        builder.Services.AddSingleton<DiscordHttpClient>();
        builder.Services.AddSingleton(sp => new DiscordRestClient(sp.GetRequiredService<DiscordHttpClient>().Http,
            new DiscordRestOptions { BotToken = discord.BotToken, ApiBaseUrl = discord.ApiBaseUrl },
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<DiscordRestClient>>()));
        builder.Services.AddSingleton(sp => PortalStore.Over(sp.GetRequiredService<AppServiceDatabase>().DataSource,
            sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(sp => SpaceStore.Over(sp.GetRequiredService<AppServiceDatabase>().DataSource,
            sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(sp => ThreadStore.Over(sp.GetRequiredService<AppServiceDatabase>().DataSource));
        builder.Services.AddSingleton(sp => HistoryStore.Over(sp.GetRequiredService<AppServiceDatabase>().DataSource));
        builder.Services.AddSingleton<GuildSpaces>();
        builder.Services.AddSingleton<DiscordThreads>();
        builder.Services.AddSingleton<ChannelHistory>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ChannelHistory>());
        builder.Services.AddSingleton<MatrixReads>();
        builder.Services.AddSingleton<DiscordMedia>();
        builder.Services.AddSingleton<Ghosts>();
        builder.Services.AddSingleton<CustomEmoji>();
        builder.Services.AddSingleton<TypingToDiscord>();
        builder.Services.AddSingleton<DiscordToMatrix>();
        builder.Services.AddSingleton<BridgeCommands>();
        builder.Services.AddSingleton<IMatrixEventReceiver, MatrixToDiscord>();
        builder.Services.AddHostedService<BridgeGateway>();
        configure?.Invoke(builder.Services);
        builder.Services.TryAddSingleton(new DiscordGatewayOptions { BotToken = discord.BotToken });
        var app = builder.Build();
        app.MapAppServiceApi();
        var database = app.Services.GetRequiredService<AppServiceDatabase>();
        await database.MigrateAsync(cancellationToken);
        await PortalStore.Migrator(database.DataSource).ApplyAsync(cancellationToken);
        await app.StartAsync(cancellationToken);
        return app;
    }

    /// <summary>Sets the bot's display name, giving up after <paramref name="timeout"/>: a homeserver not reachable yet
    /// is not fatal, and the bridge must not sit in the client's retries while it is asked to stop.</summary>
    public static async Task<bool> TrySetBotNameAsync(WebApplication app, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await app.Services.GetRequiredService<Intents>().Bot.SetDisplayNameAsync(DisplayName, limit.Token);
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or MatrixApiException or OperationCanceledException)
        {
            return false;
        }
    }
}
