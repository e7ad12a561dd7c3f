using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Homeserver.Bridges.Discord.Tests.StandIn;

/// <summary>
/// A Discord stand-in on 127.0.0.1 (a free port): REST v10 under <c>/api/v10</c> and the JSON gateway at the URL
/// <c>GET /gateway/bot</c> gives, with one guild, its channels, the bot and a user, Alice. Tests act as Discord users
/// through the hooks (post, edit, delete, react, type), read what the bot did, and break the gateway on purpose.
/// </summary>
public sealed partial class DiscordStandIn : IAsyncDisposable
{
    public const string DefaultBotToken = "stand-in-bot-token.abc.xyz";
    private readonly WebApplication _app;
    private readonly TimeProvider _time;

    private DiscordStandIn(WebApplication app, TimeProvider time)
    {
        _app = app;
        _time = time;
        State = new StandInState(time);
        State.Seed();
        RateLimits = new StandInRateLimits(time);
        Gateway = new StandInGateway(State, () => GatewayUrl) { BotToken = DefaultBotToken };
    }

    public StandInState State { get; }

    public StandInRateLimits RateLimits { get; }

    public StandInGateway Gateway { get; }

    public string BotToken { get; set; } = DefaultBotToken;

    /// <summary>Every REST request: method, path and query, Authorization header, content type.</summary>
    public List<(string Method, string Path, string? Authorization, string? ContentType)> Requests { get; } = [];

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The REST base with the version, e.g. <c>http://127.0.0.1:PORT/api/v10/</c>.</summary>
    public Uri ApiBaseUrl => new(BaseUrl, "api/v10/");

    public Uri GatewayUrl => new UriBuilder(BaseUrl) { Scheme = "ws", Path = "gateway" }.Uri;

    public string GuildId => State.GuildId;

    public string BotId => State.Bot["id"]!.GetValue<string>();

    public string ChannelId(string name)
    {
        lock (State.Lock)
        {
            return State.Channels.Values.First(c => c["name"]?.GetValue<string>() == name)["id"]!.GetValue<string>();
        }
    }

    public string UserId(string username)
    {
        lock (State.Lock)
        {
            return State.Users.Values.First(u => u["username"]!.GetValue<string>() == username)["id"]!.GetValue<string>();
        }
    }

    public static async Task<DiscordStandIn> StartAsync(TimeProvider? time = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        var standIn = new DiscordStandIn(app, time ?? TimeProvider.System);
        app.UseWebSockets();
        app.UseRouting();
        app.Use((context, next) => standIn.RecordAndAuthorize(context, () => next(context)));
        app.Use((context, next) => standIn.RateLimits.HandleAsync(context, _ => next(context)));
        app.Map("/gateway", standIn.Gateway.AcceptAsync);
        app.Map("/gateway-resume", standIn.Gateway.AcceptAsync);
        var api = app.MapGroup("/api/v10");
        standIn.MapReads(api);
        standIn.MapMessages(api);
        standIn.MapWebhooksAndThreads(api);
        standIn.MapWebhookDeletion(api);
        app.MapGet("/attachments/{channelId}/{attachmentId}/{filename}", standIn.GetAttachment);
        app.MapGet("/avatars/{userId}/{file}", standIn.GetAvatar);
        app.MapGet("/emojis/{file}", standIn.GetEmoji);
        app.MapGet("/icons/{guildId}/{file}", standIn.GetIcon);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        standIn.BaseUrl = new Uri(address.TrimEnd('/') + "/");
        return standIn;
    }

    private async Task RecordAndAuthorize(HttpContext context, Func<Task> next)
    {
        var path = context.Request.Path.Value ?? "";
        if (!path.StartsWith("/api/", StringComparison.Ordinal))
        {
            await next();
            return;
        }

        var authorization = context.Request.Headers.Authorization.ToString();
        lock (Requests)
        {
            Requests.Add((context.Request.Method, path + context.Request.QueryString, authorization, context.Request.ContentType));
        }

        // Webhook routes with a token need no bot token; everything else does (GET /gateway too in our stand-in).
        var webhookWithToken = path.StartsWith("/api/v10/webhooks/", StringComparison.Ordinal) && path.Split('/').Length >= 6;
        if (!webhookWithToken && authorization != "Bot " + BotToken)
        {
            await Error(StatusCodes.Status401Unauthorized, 0, "401: Unauthorized").ExecuteAsync(context);
            return;
        }

        await next();
    }

    internal static IResult Error(int status, int code, string message) =>
        Results.Json(new JsonObject { ["message"] = message, ["code"] = code }, statusCode: status);

    private IResult GetAttachment(string attachmentId)
    {
        lock (State.Lock)
        {
            return State.Files.TryGetValue(attachmentId, out var file)
                ? Results.Bytes(file.Content, file.ContentType)
                : Error(StatusCodes.Status404NotFound, 0, "404: Not Found");
        }
    }

    /// <summary>A 1x1 PNG: every user's avatar, as the CDN path <c>avatars/{user}/{hash}.png</c> serves it.</summary>
    public static byte[] AvatarPng { get; } = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    /// <summary>The CDN base URL (avatars), which is the stand-in's own base.</summary>
    public Uri CdnBaseUrl => BaseUrl;

    /// <summary>How many times avatars were fetched from the CDN.</summary>
    public int AvatarFetches => _avatarFetches;

    private int _avatarFetches;

    private IResult GetAvatar(string userId, string file)
    {
        lock (State.Lock)
        {
            if (!State.Users.TryGetValue(userId, out var user) || user["avatar"]?.GetValue<string>() + ".png" != file)
            {
                return Error(StatusCodes.Status404NotFound, 0, "404: Not Found");
            }
        }

        Interlocked.Increment(ref _avatarFetches);
        return Results.Bytes(AvatarPng, "image/png");
    }

    /// <summary>The guild's icon (the same PNG as avatars) at <c>icons/{guild}/{hash}.png</c>.</summary>
    private IResult GetIcon(string guildId, string file)
    {
        lock (State.Lock)
        {
            return guildId == GuildId && State.Guild["icon"]?.GetValue<string>() is { } icon && icon + ".png" == file
                ? Results.Bytes(AvatarPng, "image/png")
                : Error(StatusCodes.Status404NotFound, 0, "404: Not Found");
        }
    }

    /// <summary>The messages in a channel (oldest first), as the stand-in stores them; none for a channel (or thread)
    /// that does not exist (yet).</summary>
    public IReadOnlyList<JsonObject> MessagesIn(string channelId)
    {
        lock (State.Lock)
        {
            return State.Messages.TryGetValue(channelId, out var messages) ? [.. messages.Select(m => (JsonObject)m.DeepClone())] : [];
        }
    }

    public async ValueTask DisposeAsync()
    {
        Gateway.DropConnections();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    internal DateTimeOffset Now => _time.GetUtcNow();
}
