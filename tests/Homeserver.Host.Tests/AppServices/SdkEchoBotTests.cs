using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Bridges.AppService.Example;
using Homeserver.Bridges.AppService.Registration;
using Homeserver.Host.Tests.Federation;
using Homeserver.Host.Tests.Support;
using Homeserver.Testing;
using Microsoft.Extensions.Configuration;
using SdkSettings = Homeserver.Bridges.AppService.AppServiceSettings;

namespace Homeserver.Host.Tests.AppServices;

/// <summary>
/// Our appservice SDK against our server, end to end: the example echo bot's registration (made by the SDK's
/// generator) loaded by the server, the invite pushed to the bot by transaction, its join, and its reply to
/// <c>!echo</c> seen by the user.
/// </summary>
public sealed class SdkEchoBotTests
{
    [Fact]
    public async Task The_sdk_echo_bot_joins_on_invite_and_its_reply_reaches_the_users_sync()
    {
        using var files = new TempDirectory();
        var listen = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var registration = RegistrationGenerator.Create("echo", listen.ToString().TrimEnd('/'), "_echo_bot", "localhost",
            userPrefix: "_echo_");
        var registrationFile = Path.Combine(files.Path, "echo.yaml");
        await File.WriteAllTextAsync(registrationFile, RegistrationYaml.Write(registration));
        await using var server = await LiveServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["AppServices:ConfigFiles:0"] = registrationFile,
        });
        var settings = SdkSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["EchoBot:Homeserver:Url"] = server.Anonymous.BaseAddress!.ToString(),
            ["EchoBot:Homeserver:ServerName"] = "localhost",
            ["EchoBot:Registration"] = registrationFile,
            ["EchoBot:Listen"] = listen.ToString(),
            ["EchoBot:Database:ConnectionString"] = await (await TestPostgres.SharedAsync()).CreateDatabaseAsync(),
        }).Build().GetSection(EchoBotApp.SettingsSection));
        await using var bot = await EchoBotApp.StartAsync(settings, null, CancellationToken.None);

        var alice = await server.RegisterAsync();
        var (status, created) = await server.PostAsync("/_matrix/client/v3/createRoom",
            new JsonObject { ["preset"] = "private_chat", ["invite"] = new JsonArray("@_echo_bot:localhost") },
            alice.AccessToken);
        Assert.True(status == HttpStatusCode.OK, created.ToString());
        var roomId = created.GetProperty("room_id").GetString()!;
        var watcher = new SyncWatcher(server, alice);
        await watcher.TimelineEventAsync(roomId, e => e.GetProperty("type").GetString() == "m.room.member" &&
                                                      e.GetProperty("state_key").GetString() == "@_echo_bot:localhost" &&
                                                      e.GetProperty("content").GetProperty("membership").GetString() == "join",
            "the bot's join");

        (status, var sent) = await server.SendAsync(HttpMethod.Put,
            $"/_matrix/client/v3/rooms/{roomId}/send/m.room.message/echo1",
            new JsonObject { ["msgtype"] = "m.text", ["body"] = "!echo hi there" }, alice.AccessToken);
        Assert.True(status == HttpStatusCode.OK, sent.ToString());

        var reply = await watcher.MessageAsync(roomId, "hi there");
        Assert.Equal("@_echo_bot:localhost", reply.GetProperty("sender").GetString());
        Assert.Equal(sent.GetProperty("event_id").GetString(), reply.GetProperty("content").GetProperty("m.relates_to")
            .GetProperty("m.in_reply_to").GetProperty("event_id").GetString());
    }
}
