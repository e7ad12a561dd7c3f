using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using static Homeserver.Host.Tests.AppServices.AppServiceServers;

namespace Homeserver.Host.Tests.AppServices;

/// <summary>Identity assertion end to end: as_token, ?user_id=, ?device_id=, ?ts=, transaction IDs, MSC4190 devices.</summary>
[Collection(AppServiceServersGroup.Name)]
public sealed class AppServiceIdentityTests(AppServiceServers servers)
{
    private readonly LiveServer _server = servers.Open;

    [Fact]
    public async Task Whoami_with_the_as_token_alone_is_the_sender_without_a_device()
    {
        var (status, body) = await AsAsync(_server, BridgeToken, HttpMethod.Get, "/_matrix/client/v3/account/whoami");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(BridgeSender, body.GetProperty("user_id").GetString());
        Assert.False(body.TryGetProperty("device_id", out _));
        Assert.False(body.GetProperty("is_guest").GetBoolean());
    }

    [Fact]
    public async Task Whoami_reports_the_masqueraded_user_and_its_device_by_the_stable_and_unstable_parameter()
    {
        var ghost = Unique("_ghost_");
        var (_, registered) = await RegisterGhostAsync(_server, BridgeToken, ghost, inhibitLogin: false);
        var userId = registered.GetProperty("user_id").GetString()!;
        var device = registered.GetProperty("device_id").GetString()!;

        foreach (var parameter in new[] { "device_id", "org.matrix.msc3202.device_id" })
        {
            var (status, body) = await AsAsync(_server, BridgeToken, HttpMethod.Get,
                $"/_matrix/client/v3/account/whoami?user_id={Uri.EscapeDataString(userId)}&{parameter}={device}");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(userId, body.GetProperty("user_id").GetString());
            Assert.Equal(device, body.GetProperty("device_id").GetString());
        }

        var (unknown, error) = await AsAsync(_server, BridgeToken, HttpMethod.Get,
            $"/_matrix/client/v3/account/whoami?user_id={Uri.EscapeDataString(userId)}&device_id=NOSUCHDEVICE");
        Assert.Equal(HttpStatusCode.BadRequest, unknown);
        Assert.Equal("M_UNKNOWN_DEVICE", error.GetProperty("errcode").GetString());
    }

    [Fact]
    public async Task Masquerading_as_a_user_outside_the_namespace_or_not_registered_is_403()
    {
        var user = await _server.RegisterAsync();

        var (outside, body) = await AsAsync(_server, BridgeToken, HttpMethod.Get,
            $"/_matrix/client/v3/account/whoami?user_id={Uri.EscapeDataString(user.UserId)}");
        var (unregistered, _) = await AsAsync(_server, BridgeToken, HttpMethod.Get,
            "/_matrix/client/v3/account/whoami?user_id=" + Uri.EscapeDataString($"@{Unique("_ghost_")}:localhost"));

        Assert.Equal(HttpStatusCode.Forbidden, outside);
        Assert.Equal("M_FORBIDDEN", body.GetProperty("errcode").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, unregistered);
    }

    [Fact]
    public async Task A_user_of_a_shared_namespace_registered_by_themselves_can_be_masqueraded_as()
    {
        var user = await _server.RegisterAsync(Unique("shared_"));

        var (status, body) = await AsAsync(_server, BridgeToken, HttpMethod.Get,
            $"/_matrix/client/v3/account/whoami?user_id={Uri.EscapeDataString(user.UserId)}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(user.UserId, body.GetProperty("user_id").GetString());
    }

    [Fact]
    public async Task Ts_sets_origin_server_ts_of_an_appservices_send_and_state_but_not_a_users()
    {
        var owner = await _server.RegisterAsync();
        var roomId = await owner.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        var ghost = await GhostInRoomAsync(roomId);

        var (_, sent) = await AsAsync(_server, BridgeToken, HttpMethod.Put,
            $"/_matrix/client/v3/rooms/{roomId}/send/m.room.message/t1?user_id={ghost}&ts=1000000000000",
            new JsonObject { ["msgtype"] = "m.text", ["body"] = "from the past" });
        var (_, state) = await AsAsync(_server, BridgeToken, HttpMethod.Put,
            $"/_matrix/client/v3/rooms/{roomId}/state/m.room.member/{ghost}?user_id={ghost}&ts=1000000000001",
            new JsonObject { ["membership"] = "join", ["displayname"] = "Ghost" });
        var userEvent = (await MatrixAssert.OkAsync(await owner.Client.PutAsJsonAsync(
                $"/_matrix/client/v3/rooms/{roomId}/send/m.room.message/u1?ts=1000000000002",
                new JsonObject { ["msgtype"] = "m.text", ["body"] = "now" })))
            .GetProperty("event_id").GetString()!;
        var (badTs, error) = await AsAsync(_server, BridgeToken, HttpMethod.Put,
            $"/_matrix/client/v3/rooms/{roomId}/send/m.room.message/t2?user_id={ghost}&ts=yesterday",
            new JsonObject { ["msgtype"] = "m.text", ["body"] = "x" });

        Assert.Equal(1000000000000, await OriginServerTsAsync(owner, roomId, sent.GetProperty("event_id").GetString()!));
        Assert.Equal(1000000000001, await OriginServerTsAsync(owner, roomId, state.GetProperty("event_id").GetString()!));
        Assert.NotEqual(1000000000002, await OriginServerTsAsync(owner, roomId, userEvent));
        Assert.Equal(HttpStatusCode.BadRequest, badTs);
        Assert.Equal("M_INVALID_PARAM", error.GetProperty("errcode").GetString());
    }

    [Fact]
    public async Task An_appservices_transaction_ids_are_scoped_to_the_appservice_not_the_device_it_names()
    {
        var owner = await _server.RegisterAsync();
        var roomId = await owner.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        var username = Unique("_ghost_");
        var (_, registered) = await RegisterGhostAsync(_server, BridgeToken, username, inhibitLogin: false);
        var ghost = registered.GetProperty("user_id").GetString()!;
        var device = registered.GetProperty("device_id").GetString()!;
        await AsAsync(_server, BridgeToken, HttpMethod.Post, $"/_matrix/client/v3/join/{roomId}?user_id={ghost}",
            new JsonObject());
        var content = new JsonObject { ["msgtype"] = "m.text", ["body"] = "once" };
        var path = $"/_matrix/client/v3/rooms/{roomId}/send/m.room.message/txn1?user_id={ghost}";

        var (_, first) = await AsAsync(_server, BridgeToken, HttpMethod.Put, path, content);
        var (_, retryWithDevice) = await AsAsync(_server, BridgeToken, HttpMethod.Put, path + "&device_id=" + device,
            content);
        var ghostsOwnDevice = _server.NewClient(registered.GetProperty("access_token").GetString());
        var ownSend = await MatrixAssert.OkAsync(await ghostsOwnDevice.PutAsync(
            $"/_matrix/client/v3/rooms/{roomId}/send/m.room.message/txn1", JsonContent.Create(content)));

        var eventId = first.GetProperty("event_id").GetString();
        Assert.Equal(eventId, retryWithDevice.GetProperty("event_id").GetString());
        Assert.NotEqual(eventId, ownSend.GetProperty("event_id").GetString());
    }

    [Fact]
    public async Task Keys_upload_without_a_device_is_400_and_with_one_is_accepted()
    {
        var username = Unique("_ghost_");
        var (_, registered) = await RegisterGhostAsync(_server, BridgeToken, username, inhibitLogin: false);
        var ghost = registered.GetProperty("user_id").GetString()!;
        var device = registered.GetProperty("device_id").GetString()!;
        var keys = new JsonObject { ["one_time_keys"] = new JsonObject() };

        var (without, error) = await AsAsync(_server, BridgeToken, HttpMethod.Post,
            $"/_matrix/client/v3/keys/upload?user_id={ghost}", keys);
        var (with, _) = await AsAsync(_server, BridgeToken, HttpMethod.Post,
            $"/_matrix/client/v3/keys/upload?user_id={ghost}&device_id={device}", keys);

        Assert.Equal(HttpStatusCode.BadRequest, without);
        Assert.Equal("M_UNKNOWN", error.GetProperty("errcode").GetString());
        Assert.Equal(HttpStatusCode.OK, with);
    }

    [Fact]
    public async Task An_appservice_creates_a_device_with_put_and_deletes_devices_without_interactive_auth()
    {
        var (_, registered) = await RegisterGhostAsync(_server, DeviceBridgeToken, Unique("dev_"));
        var ghost = registered.GetProperty("user_id").GetString()!;
        var devices = $"/_matrix/client/v3/devices/BRIDGEDEV?user_id={ghost}";

        var (created, _) = await AsAsync(_server, DeviceBridgeToken, HttpMethod.Put, devices,
            new JsonObject { ["display_name"] = "Bridge" });
        var (updated, _) = await AsAsync(_server, DeviceBridgeToken, HttpMethod.Put, devices, new JsonObject());
        var (_, listed) = await AsAsync(_server, DeviceBridgeToken, HttpMethod.Get, devices);
        var (deleted, _) = await AsAsync(_server, DeviceBridgeToken, HttpMethod.Delete, devices);
        await AsAsync(_server, DeviceBridgeToken, HttpMethod.Put, $"/_matrix/client/v3/devices/SECOND?user_id={ghost}",
            new JsonObject());
        var (bulk, _) = await AsAsync(_server, DeviceBridgeToken, HttpMethod.Post,
            $"/_matrix/client/v3/delete_devices?user_id={ghost}", new JsonObject { ["devices"] = new JsonArray("SECOND") });
        var (_, remaining) = await AsAsync(_server, DeviceBridgeToken, HttpMethod.Get,
            $"/_matrix/client/v3/devices?user_id={ghost}");

        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal(HttpStatusCode.OK, updated);
        Assert.Equal("Bridge", listed.GetProperty("display_name").GetString());
        Assert.Equal(HttpStatusCode.OK, deleted);
        Assert.Equal(HttpStatusCode.OK, bulk);
        Assert.Empty(remaining.GetProperty("devices").EnumerateArray());
    }

    [Fact]
    public async Task A_user_still_cannot_create_a_device_with_put_or_delete_one_without_interactive_auth()
    {
        var user = await _server.RegisterAsync();

        var put = await user.Client.PutAsync("/_matrix/client/v3/devices/NEWDEVICE",
            JsonContent.Create(new JsonObject()));
        var delete = await user.Client.DeleteAsync("/_matrix/client/v3/devices/" + user.DeviceId);

        Assert.Equal(HttpStatusCode.NotFound, put.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, delete.StatusCode);
    }

    [Fact]
    public async Task An_appservice_replaces_a_ghosts_cross_signing_keys_without_interactive_auth()
    {
        var (_, registered) = await RegisterGhostAsync(_server, BridgeToken, Unique("_ghost_"));
        var ghost = registered.GetProperty("user_id").GetString()!;
        var upload = $"/_matrix/client/v3/keys/device_signing/upload?user_id={ghost}";

        var (first, _) = await AsAsync(_server, BridgeToken, HttpMethod.Post, upload, CrossSigningKeys(ghost));
        var (replaced, body) = await AsAsync(_server, BridgeToken, HttpMethod.Post, upload, CrossSigningKeys(ghost));

        Assert.Equal(HttpStatusCode.OK, first);
        Assert.True(replaced == HttpStatusCode.OK, body.ToString());
    }

    private static JsonObject CrossSigningKeys(string userId)
    {
        var (master, selfSigning, userSigning) = (new Keys.TestKey(), new Keys.TestKey(), new Keys.TestKey());
        JsonObject Key(string usage, Keys.TestKey key) => new()
        {
            ["user_id"] = userId,
            ["usage"] = new JsonArray(usage),
            ["keys"] = new JsonObject { ["ed25519:" + key.PublicKey] = key.PublicKey },
        };

        return new JsonObject
        {
            ["master_key"] = Key("master", master),
            ["self_signing_key"] = master.Sign(Key("self_signing", selfSigning), userId, master.PublicKey),
            ["user_signing_key"] = master.Sign(Key("user_signing", userSigning), userId, master.PublicKey),
        };
    }

    private async Task<string> GhostInRoomAsync(string roomId)
    {
        var (_, registered) = await RegisterGhostAsync(_server, BridgeToken, Unique("_ghost_"));
        var ghost = registered.GetProperty("user_id").GetString()!;
        var (joined, body) = await AsAsync(_server, BridgeToken, HttpMethod.Post,
            $"/_matrix/client/v3/join/{roomId}?user_id={ghost}", new JsonObject());
        Assert.True(joined == HttpStatusCode.OK, body.ToString());
        return ghost;
    }

    private static async Task<long> OriginServerTsAsync(TestSession session, string roomId, string eventId)
    {
        var body = await MatrixAssert.OkAsync(await session.Client.GetAsync(
            $"/_matrix/client/v3/rooms/{roomId}/event/{eventId}"));
        return body.GetProperty("origin_server_ts").GetInt64();
    }
}
