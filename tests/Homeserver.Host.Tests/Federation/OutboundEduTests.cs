using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using Homeserver.Services.Federation.Edus;

namespace Homeserver.Host.Tests.Federation;

/// <summary>Local users' ephemeral changes handed to the federation sender for the servers that share the room.</summary>
public sealed class OutboundEduTests : IAsyncLifetime
{
    private const string Bob = "@bob:remote.test";

    private readonly RecordingFederationSender _sender = new();
    private LiveServer _server = null!;
    private TestSession _alice = null!;
    private string _roomId = "";

    public async Task InitializeAsync()
    {
        _server = await LiveServer.StartAsync(services: FederationFakes.Register(_sender));
        _alice = await _server.RegisterAsync();
        var (_, created) = await _server.PostAsync("/_matrix/client/v3/createRoom",
            new JsonObject { ["preset"] = "public_chat" }, _alice.AccessToken);
        _roomId = created.GetProperty("room_id").GetString()!;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Typing_goes_to_the_rooms_other_servers_only()
    {
        await TypeAsync();
        Assert.Empty(_sender.Of(EduTypes.Typing)); // no other server in the room yet

        await RemoteMembers.JoinAsync(_server, _roomId, Bob);
        await TypeAsync();
        var edu = Assert.Single(_sender.Of(EduTypes.Typing));
        Assert.Equal(["remote.test"], edu.Destinations.Select(d => d.Value));
        Assert.Equal(_alice.UserId, edu.Content["user_id"]!.GetValue<string>());
        Assert.Equal(_roomId, edu.Content["room_id"]!.GetValue<string>());
        Assert.True(edu.Content["typing"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Public_read_receipts_go_out_and_private_ones_do_not()
    {
        await RemoteMembers.JoinAsync(_server, _roomId, Bob);
        var (_, sent) = await _server.SendAsync(HttpMethod.Put,
            $"/_matrix/client/v3/rooms/{_roomId}/send/m.room.message/t1",
            new JsonObject { ["msgtype"] = "m.text", ["body"] = "hi" }, _alice.AccessToken);
        var eventId = sent.GetProperty("event_id").GetString()!;
        await _server.PostAsync($"/_matrix/client/v3/rooms/{_roomId}/receipt/m.read.private/{eventId}", new JsonObject(),
            _alice.AccessToken);
        Assert.Empty(_sender.Of(EduTypes.Receipt));

        await _server.PostAsync($"/_matrix/client/v3/rooms/{_roomId}/receipt/m.read/{eventId}", new JsonObject(),
            _alice.AccessToken);
        var edu = Assert.Single(_sender.Of(EduTypes.Receipt));
        var entry = edu.Content[_roomId]!["m.read"]![_alice.UserId]!;
        Assert.Equal(eventId, entry["event_ids"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task To_device_messages_for_remote_users_go_to_their_server_once_per_transaction()
    {
        var body = new JsonObject
        {
            ["messages"] = new JsonObject
            {
                [Bob] = new JsonObject { ["DEV"] = new JsonObject { ["k"] = "v" } },
                [_alice.UserId] = new JsonObject { [_alice.DeviceId] = new JsonObject { ["k"] = "local" } },
            },
        };
        for (var attempt = 0; attempt < 2; attempt++)
        {
            await _server.SendAsync(HttpMethod.Put, "/_matrix/client/v3/sendToDevice/m.test/txn1", body,
                _alice.AccessToken);
        }

        var edu = Assert.Single(_sender.Of(EduTypes.DirectToDevice));
        Assert.Equal(["remote.test"], edu.Destinations.Select(d => d.Value));
        Assert.Equal(_alice.UserId, edu.Content["sender"]!.GetValue<string>());
        Assert.Equal("m.test", edu.Content["type"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(edu.Content["message_id"]!.GetValue<string>()));
        Assert.Equal("v", edu.Content["messages"]![Bob]!["DEV"]!["k"]!.GetValue<string>());
        Assert.Null(edu.Content["messages"]![_alice.UserId]);
    }

    [Fact]
    public async Task A_new_device_asks_servers_sharing_a_room_to_resync_the_users_devices()
    {
        await RemoteMembers.JoinAsync(_server, _roomId, Bob);
        Assert.Empty(_sender.Of(EduTypes.DeviceListUpdate));
        await _server.LoginAsync(_alice.UserId);

        var edu = Assert.Single(_sender.Of(EduTypes.DeviceListUpdate));
        Assert.Equal(["remote.test"], edu.Destinations.Select(d => d.Value));
        Assert.Equal(_alice.UserId, edu.Content["user_id"]!.GetValue<string>());
        Assert.Empty(edu.Content["prev_id"]!.AsArray());
        Assert.True(edu.Content["stream_id"]!.GetValue<long>() > 0);
    }

    private async Task TypeAsync() =>
        await _server.SendAsync(HttpMethod.Put, $"/_matrix/client/v3/rooms/{_roomId}/typing/{_alice.UserId}",
            new JsonObject { ["typing"] = true, ["timeout"] = 10_000 }, _alice.AccessToken);
}
