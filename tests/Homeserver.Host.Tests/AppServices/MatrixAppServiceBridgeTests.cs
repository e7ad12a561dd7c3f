using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Federation;
using Homeserver.Host.Tests.Support;
using Homeserver.Testing;

namespace Homeserver.Host.Tests.AppServices;

/// <summary>
/// matrix-appservice-bridge (tests/js/appservice-bridge.mjs), a third-party appservice library used unchanged: it gets
/// the room's messages by transaction, registers and joins its own ghost, and the ghost's reply reaches the user.
/// </summary>
public sealed class MatrixAppServiceBridgeTests
{
    [Fact]
    public async Task A_matrix_appservice_bridge_ghost_replies_to_a_message_it_received_by_transaction()
    {
        using var files = new TempDirectory();
        var port = FreePort.Next();
        var registration = Path.Combine(files.Path, "asb.yaml");
        await File.WriteAllTextAsync(registration, $"""
            id: asb-echo
            url: http://127.0.0.1:{port}
            as_token: asb-as-token-{Guid.NewGuid():N}
            hs_token: asb-hs-token-{Guid.NewGuid():N}
            sender_localpart: asbbot
            rate_limited: false
            namespaces:
              users:
                - exclusive: true
                  regex: '@_asb_.*'
              aliases: []
              rooms: []
            """);
        await using var server = await LiveServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["AppServices:ConfigFiles:0"] = registration,
        });
        var alice = await server.RegisterAsync();
        var domain = alice.UserId[(alice.UserId.IndexOf(':', StringComparison.Ordinal) + 1)..];
        await using var bridge = await NodeProcess.StartAsync("appservice-bridge.mjs", "listening",
            server.Anonymous.BaseAddress!.ToString().TrimEnd('/'), domain, registration,
            port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var (status, created) = await server.PostAsync("/_matrix/client/v3/createRoom",
            new JsonObject { ["preset"] = "public_chat" }, alice.AccessToken);
        Assert.Equal(HttpStatusCode.OK, status);
        var roomId = created.GetProperty("room_id").GetString()!;
        (status, var invited) = await server.PostAsync($"/_matrix/client/v3/rooms/{roomId}/invite",
            new JsonObject { ["user_id"] = $"@asbbot:{domain}" }, alice.AccessToken);
        Assert.True(status == HttpStatusCode.OK, invited.ToString());
        await bridge.WaitForLineAsync($"joined {roomId}");

        (status, var sent) = await server.SendAsync(HttpMethod.Put,
            $"/_matrix/client/v3/rooms/{roomId}/send/m.room.message/t1",
            new JsonObject { ["msgtype"] = "m.text", ["body"] = "hello bridge" }, alice.AccessToken);
        Assert.True(status == HttpStatusCode.OK, sent.ToString());

        var reply = await new SyncWatcher(server, alice).MessageAsync(roomId, "echo: hello bridge");
        Assert.Equal($"@_asb_echo:{domain}", reply.GetProperty("sender").GetString());
    }
}
