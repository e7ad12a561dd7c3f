using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Homeserver.Bridges.AppService.Registration;
using Homeserver.Bridges.Steam;
using Homeserver.Bridges.Steam.Client;
using Homeserver.Host.Tests.Support;
using Homeserver.Testing;
using Homeserver.Testing.Steam;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.AppServices.Steam;

/// <summary>
/// One homeserver, one Steam Web API stand-in and one Steam bridge (its own registration made by its generator,
/// PollSeconds 0.5, back-off from 100 ms) shared by the bridge's end-to-end tests; each test uses its own users and
/// SteamIDs. Users are linked the way a person would: through the bot, proving ownership with the code.
/// </summary>
public sealed partial class SteamBridgeFixture : IAsyncLifetime
{
    public const string ServerName = "localhost";
    public const string Bot = "@_steam_bot:localhost";
    private static long _nextSteamId = 76561198100000000;
    private readonly TempDirectory _files = new();
    private WebApplication? _bridge;

    public LiveServer Server { get; private set; } = null!;

    public SteamWebApiStandIn Steam { get; private set; } = null!;

    /// <summary>Steam's sign-in side (OpenID, AuthenticateUserTicket) for the homeserver, serving the same Web API
    /// state as <see cref="Steam"/>, so sign-ins and the bridge see the same profiles.</summary>
    public SteamStandIn SignIn { get; private set; } = null!;

    public WebApplication Bridge => _bridge!;

    public static string NewSteamId() => Interlocked.Increment(ref _nextSteamId).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string Ghost(string steamId) => $"@_steam_{steamId}:{ServerName}";

    public async Task InitializeAsync()
    {
        Steam = await SteamWebApiStandIn.StartAsync();
        var listen = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var registrationFile = Path.Combine(_files.Path, "steam.yaml");
        await File.WriteAllTextAsync(registrationFile, RegistrationYaml.Write(SteamRegistration.Create(listen.ToString().TrimEnd('/'), ServerName)));
        SignIn = await SteamStandIn.StartAsync(new SteamStandInState { WebApiKey = Steam.State.Key },
            routes => routes.MapSteamWebApi(Steam.State));
        Server = await LiveServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["AppServices:ConfigFiles:0"] = registrationFile,
            ["Sso:Steam:Enabled"] = "true",
            ["Sso:Steam:OpenIdUrl"] = SignIn.OpenIdUrl,
            ["Sso:Steam:WebApiBaseUrl"] = SignIn.BaseUrl,
            ["Sso:Steam:WebApiKey"] = SignIn.State.WebApiKey,
            ["Sso:Steam:AppId"] = SignIn.State.AppId,
        });
        var settings = SteamBridgeSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SteamBridge:Homeserver:Url"] = Server.Anonymous.BaseAddress!.ToString(),
            ["SteamBridge:Homeserver:ServerName"] = ServerName,
            ["SteamBridge:Registration"] = registrationFile,
            ["SteamBridge:Listen"] = listen.ToString(),
            ["SteamBridge:Database:ConnectionString"] = await (await TestPostgres.SharedAsync()).CreateDatabaseAsync(),
            ["SteamBridge:Steam:WebApiBaseUrl"] = Steam.BaseUrl.ToString(),
            ["SteamBridge:Steam:WebApiKey"] = Steam.State.Key,
            ["SteamBridge:Steam:PollSeconds"] = "0.5",
        }).Build().GetSection(SteamBridgeSettings.Section));
        _bridge = await SteamBridgeApp.StartAsync(settings, services => services.AddSingleton(new SteamWebApiOptions
        {
            BaseUrl = settings.WebApiBaseUrl,
            Key = settings.WebApiKey,
            FirstBackOff = TimeSpan.FromMilliseconds(100),
        }), CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (_bridge is not null)
        {
            await _bridge.StopAsync();
            await _bridge.DisposeAsync();
        }

        await Server.DisposeAsync();
        await SignIn.DisposeAsync();
        await Steam.DisposeAsync();
        _files.Dispose();
    }

    /// <summary>A new Matrix user linked through the bot to a new Steam profile: <c>!steam link</c>, a confirm that
    /// fails while the code is not in the persona name, the code put in, a confirm that works, the name put back.</summary>
    public async Task<(TestSession User, string SteamId, string BotRoom)> LinkedUserAsync(StandInPlayer player)
    {
        ArgumentNullException.ThrowIfNull(player);
        Steam.State.SetPlayer(player);
        var user = await Server.RegisterAsync();
        var room = await BotRoomAsync(user);
        var code = CodePattern().Match(await CommandAsync(user, room, $"!steam link {player.SteamId}", "put MX-")).Value;
        Assert.StartsWith("MX-", code, StringComparison.Ordinal);
        Assert.Contains("does not contain", await CommandAsync(user, room, "!steam link confirm", "persona name \""), StringComparison.Ordinal);

        Steam.State.UpdatePlayer(player.SteamId, p => p with { PersonaName = $"{player.PersonaName} {code}" });
        await CommandAsync(user, room, "!steam link confirm", "Linked to Steam");
        Steam.State.UpdatePlayer(player.SteamId, p => p with { PersonaName = player.PersonaName });
        return (user, player.SteamId, room);
    }

    /// <summary>A room of <paramref name="user"/>'s with the bot in it.</summary>
    public async Task<string> BotRoomAsync(TestSession user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var (status, created) = await Server.PostAsync("/_matrix/client/v3/createRoom",
            new JsonObject { ["preset"] = "private_chat", ["invite"] = new JsonArray(Bot) }, user.AccessToken);
        Assert.True(status == HttpStatusCode.OK, created.ToString());
        var roomId = created.GetProperty("room_id").GetString()!;
        await Eventually.HoldsAsync(async () => (await JoinedMembersAsync(user, roomId)).Contains(Bot), "the bot joined");
        return roomId;
    }

    /// <summary>Sends a command and returns the bot's reply to it, which must contain <paramref name="expected"/>.</summary>
    public async Task<string> CommandAsync(TestSession user, string roomId, string command, string expected)
    {
        ArgumentNullException.ThrowIfNull(user);
        var (status, sent) = await Server.SendAsync(HttpMethod.Put,
            $"/_matrix/client/v3/rooms/{roomId}/send/m.room.message/{Guid.NewGuid():N}",
            new JsonObject { ["msgtype"] = "m.text", ["body"] = command }, user.AccessToken);
        Assert.True(status == HttpStatusCode.OK, sent.ToString());
        var eventId = sent.GetProperty("event_id").GetString();
        string? reply = null;
        await Eventually.HoldsAsync(async () =>
        {
            var (_, messages) = await Server.GetAsync($"/_matrix/client/v3/rooms/{roomId}/messages?dir=b&limit=30", user.AccessToken);
            reply = messages.GetProperty("chunk").EnumerateArray()
                .Where(e => e.GetProperty("sender").GetString() == Bot &&
                            e.GetProperty("content").TryGetProperty("m.relates_to", out var relates) &&
                            relates.TryGetProperty("m.in_reply_to", out var inReply) &&
                            inReply.GetProperty("event_id").GetString() == eventId)
                .Select(e => e.GetProperty("content").GetProperty("body").GetString())
                .FirstOrDefault();
            return reply is not null;
        }, $"the bot answered '{command}'");
        Assert.Contains(expected, reply!, StringComparison.Ordinal);
        return reply!;
    }

    public async Task<HashSet<string>> JoinedMembersAsync(TestSession user, string roomId)
    {
        ArgumentNullException.ThrowIfNull(user);
        var (status, body) = await Server.GetAsync($"/_matrix/client/v3/rooms/{roomId}/joined_members", user.AccessToken);
        return status == HttpStatusCode.OK ? [.. body.GetProperty("joined").EnumerateObject().Select(p => p.Name)] : [];
    }

    /// <summary>A profile field as anyone sees it, or null.</summary>
    public async Task<string?> ProfileAsync(string userId, string field)
    {
        var (status, body) = await Server.GetAsync($"/_matrix/client/v3/profile/{Uri.EscapeDataString(userId)}/{field}");
        return status == HttpStatusCode.OK && body.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
    }

    [GeneratedRegex("MX-[A-Z0-9]{6}")]
    private static partial Regex CodePattern();
}
