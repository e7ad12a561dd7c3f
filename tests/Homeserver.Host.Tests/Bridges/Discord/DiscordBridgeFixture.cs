using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Bridges.AppService.Registration;
using Homeserver.Bridges.Discord;
using Homeserver.Bridges.Discord.Client.Gateway;
using Homeserver.Bridges.Discord.Tests.StandIn;
using Homeserver.Host.Tests.Support;
using Homeserver.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SdkSettings = Homeserver.Bridges.AppService.AppServiceSettings;

namespace Homeserver.Host.Tests.Bridges.Discord;

/// <summary>
/// One homeserver, one Discord stand-in and the bridge between them (in process), shared by the end-to-end tests:
/// Alice on Matrix made a room, invited the bridge bot and linked it to the stand-in's #general.
/// </summary>
public sealed class DiscordBridgeFixture : IAsyncLifetime
{
    public const string AliceName = "Alice on Matrix";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _files = new();
    private WebApplication? _bridge;
    private SdkSettings? _settings;

    public LiveServer Server { get; private set; } = null!;

    public DiscordStandIn Discord { get; private set; } = null!;

    public TestSession Alice { get; private set; } = null!;

    public string RoomId { get; private set; } = "";

    public string ChannelId { get; private set; } = "";

    /// <summary>The bridge's services (to hand it a dispatch twice, as a replay would).</summary>
    public IServiceProvider BridgeServices => _bridge!.Services;

    public async Task InitializeAsync()
    {
        Discord = await DiscordStandIn.StartAsync();
        var listen = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var registration = DiscordBridgeApp.NewRegistration("localhost", listen.ToString().TrimEnd('/'));
        var registrationFile = Path.Combine(_files.Path, "discord.yaml");
        await File.WriteAllTextAsync(registrationFile, RegistrationYaml.Write(registration));
        Server = await LiveServer.StartAsync(settings: new Dictionary<string, string?> { ["AppServices:ConfigFiles:0"] = registrationFile });
        var settings = SdkSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DiscordBridge:Homeserver:Url"] = Server.Anonymous.BaseAddress!.ToString(),
            ["DiscordBridge:Homeserver:ServerName"] = "localhost",
            ["DiscordBridge:Registration"] = registrationFile,
            ["DiscordBridge:Listen"] = listen.ToString(),
            ["DiscordBridge:Database:ConnectionString"] = await (await TestPostgres.SharedAsync()).CreateDatabaseAsync(),
        }).Build().GetSection(DiscordSettings.Section));
        _settings = settings;
        await StartBridgeAsync();

        Alice = await Server.RegisterAsync();
        await MatrixAssert.OkAsync(await Alice.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/profile/{Uri.EscapeDataString(Alice.UserId)}/displayname", new JsonObject { ["displayname"] = AliceName }));
        var (status, created) = await Server.PostAsync("/_matrix/client/v3/createRoom",
            new JsonObject { ["preset"] = "private_chat", ["invite"] = new JsonArray("@_discord_bot:localhost") }, Alice.AccessToken);
        Assert.True(status == HttpStatusCode.OK, created.ToString());
        RoomId = created.GetProperty("room_id").GetString()!;
        await UntilEventAsync(e => Type(e) == "m.room.member" && e.GetProperty("state_key").GetString() == "@_discord_bot:localhost" &&
                                   e.GetProperty("content").GetProperty("membership").GetString() == "join", "the bot's join");
        ChannelId = Discord.ChannelId("general");
        var command = await SendTextAsync("!discord link " + ChannelId);
        var answer = await UntilEventAsync(e => Type(e) == "m.room.message" && Sender(e) == "@_discord_bot:localhost" &&
                                                ReplyTo(e) == command, "the bot's answer to the link command");
        Assert.StartsWith("Linked this room to #general", Body(answer), StringComparison.Ordinal);
    }

    /// <summary>Stops the bridge, runs <paramref name="whileStopped"/>, and starts it again on the same database.</summary>
    public async Task RestartBridgeAsync(Func<Task> whileStopped)
    {
        ArgumentNullException.ThrowIfNull(whileStopped);
        await _bridge!.StopAsync();
        await _bridge.DisposeAsync();
        _bridge = null;
        await Eventually.HoldsAsync(() => Task.FromResult(Discord.Gateway.OpenConnections == 0), "the bridge's gateway connection closed",
            Patience);
        await whileStopped();
        await StartBridgeAsync();
    }

    private async Task StartBridgeAsync()
    {
        var identifies = Discord.Gateway.Identifies;
        var discord = new DiscordSettings(DiscordStandIn.DefaultBotToken, Discord.ApiBaseUrl) { CdnBaseUrl = Discord.CdnBaseUrl };
        _bridge = await DiscordBridgeApp.StartAsync(_settings!, discord, services => services.AddSingleton(new DiscordGatewayOptions
        {
            BotToken = DiscordStandIn.DefaultBotToken,
            Jitter = () => 0.5,
            ReconnectBackoff = TimeSpan.FromMilliseconds(50),
        }), CancellationToken.None);
        await Eventually.HoldsAsync(() => Task.FromResult(Discord.Gateway.Identifies > identifies && Discord.Gateway.OpenConnections >= 1),
            "the bridge connected to the gateway", Patience);
    }

    /// <summary>Sends a message as Alice; returns its event ID.</summary>
    public Task<string> SendTextAsync(string body, JsonObject? extra = null)
    {
        var content = new JsonObject { ["msgtype"] = "m.text", ["body"] = body };
        foreach (var (key, value) in extra ?? [])
        {
            content[key] = value?.DeepClone();
        }

        return SendEventAsync("m.room.message", content);
    }

    public async Task<string> SendEventAsync(string type, JsonObject content)
    {
        var (status, sent) = await Server.SendAsync(HttpMethod.Put,
            $"/_matrix/client/v3/rooms/{RoomId}/send/{type}/{Guid.NewGuid():N}", content, Alice.AccessToken);
        Assert.True(status == HttpStatusCode.OK, sent.ToString());
        return sent.GetProperty("event_id").GetString()!;
    }

    /// <summary>The room's latest events (newest first), as Alice reads them.</summary>
    public Task<IReadOnlyList<JsonElement>> RecentEventsAsync() => new PortalRoom(this, RoomId).RecentEventsAsync();

    /// <summary>Waits until an event in the room matches; returns it.</summary>
    public Task<JsonElement> UntilEventAsync(Func<JsonElement, bool> match, string what) =>
        new PortalRoom(this, RoomId).UntilEventAsync(match, what);

    /// <summary>Waits until a message matching <paramref name="match"/> is in the Discord channel; returns it.</summary>
    public async Task<JsonObject> UntilDiscordMessageAsync(Func<JsonObject, bool> match, string what)
    {
        JsonObject? found = null;
        await Eventually.HoldsAsync(() => Task.FromResult((found = Discord.MessagesIn(ChannelId).LastOrDefault(match)) is not null), what, Patience);
        return found!;
    }

    public string GhostOf(string username) => $"@_discord_{Discord.UserId(username)}:localhost";

    public static string? Type(JsonElement e) => e.GetProperty("type").GetString();

    public static string? Sender(JsonElement e) => e.GetProperty("sender").GetString();

    public static string? Body(JsonElement e) =>
        e.GetProperty("content").TryGetProperty("body", out var body) && body.ValueKind == JsonValueKind.String ? body.GetString() : null;

    public static string? ReplyTo(JsonElement e) =>
        e.GetProperty("content").TryGetProperty("m.relates_to", out var relates) && relates.TryGetProperty("m.in_reply_to", out var reply)
            ? reply.GetProperty("event_id").GetString()
            : null;

    public static string? RelatesTo(JsonElement e, string relationType) =>
        e.GetProperty("content").TryGetProperty("m.relates_to", out var relates) && relates.TryGetProperty("rel_type", out var type) &&
        type.GetString() == relationType
            ? relates.GetProperty("event_id").GetString()
            : null;

    public static bool IsRedacted(JsonElement e) =>
        (e.TryGetProperty("unsigned", out var unsigned) && unsigned.TryGetProperty("redacted_because", out _)) ||
        !e.GetProperty("content").EnumerateObject().Any();

    public async Task DisposeAsync()
    {
        if (_bridge is not null)
        {
            await _bridge.StopAsync();
            await _bridge.DisposeAsync();
        }

        await Server.DisposeAsync();
        await Discord.DisposeAsync();
        _files.Dispose();
    }
}
