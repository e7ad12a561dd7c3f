using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Identifiers;
using Homeserver.Host.Tests.Support;
using Homeserver.Services.Federation;
using Homeserver.Services.Federation.Edus;
using Homeserver.Services.Sync;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Federation;

/// <summary>EDUs received from another server (as /send hands them to their handlers), seen by local clients.</summary>
public sealed class InboundEduTests : IAsyncLifetime
{
    private const string Bob = "@bob:remote.test";
    private static readonly ServerName Remote = ServerName.Parse("remote.test");
    private static readonly ServerName Other = ServerName.Parse("other.test");

    private LiveServer _server = null!;
    private TestSession _alice = null!;
    private string _roomId = "";

    public async Task InitializeAsync()
    {
        _server = await LiveServer.StartAsync(services: FederationFakes.Register(new RecordingFederationSender()));
        _alice = await _server.RegisterAsync();
        var (_, created) = await _server.PostAsync("/_matrix/client/v3/createRoom",
            new JsonObject { ["preset"] = "public_chat" }, _alice.AccessToken);
        _roomId = created.GetProperty("room_id").GetString()!;
        await RemoteMembers.JoinAsync(_server, _roomId, Bob);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Typing_of_a_joined_remote_user_is_applied_and_anyone_elses_is_ignored()
    {
        await HandleAsync(EduTypes.Typing, Remote, new JsonObject { ["room_id"] = _roomId, ["user_id"] = Bob, ["typing"] = true });
        await HandleAsync(EduTypes.Typing, Other,
            new JsonObject { ["room_id"] = _roomId, ["user_id"] = "@mallory:other.test", ["typing"] = true });
        await HandleAsync(EduTypes.Typing, Remote,
            new JsonObject { ["room_id"] = _roomId, ["user_id"] = "@eve:remote.test", ["typing"] = true });
        await HandleAsync(EduTypes.Typing, Other, new JsonObject { ["room_id"] = _roomId, ["user_id"] = Bob, ["typing"] = true });

        var typing = Service<TypingService>().TypingEventSince(_roomId, null)!;
        Assert.Equal([Bob], typing["content"]!["user_ids"]!.AsArray().Select(u => u!.GetValue<string>()));
    }

    [Fact]
    public async Task A_remote_read_receipt_reaches_a_local_sync_with_its_thread()
    {
        var (_, sent) = await _server.SendAsync(HttpMethod.Put,
            $"/_matrix/client/v3/rooms/{_roomId}/send/m.room.message/t1",
            new JsonObject { ["msgtype"] = "m.text", ["body"] = "hi" }, _alice.AccessToken);
        var eventId = sent.GetProperty("event_id").GetString()!;
        await HandleAsync(EduTypes.Receipt, Remote, ReceiptService.FederatedReceipt(_roomId, Bob, eventId, "main", 1234));
        await HandleAsync(EduTypes.Receipt, Other,
            ReceiptService.FederatedReceipt(_roomId, "@mallory:other.test", eventId, null, 1));

        var receipts = await Service<IReceiptStore>().GetAsync([_roomId], 0, long.MaxValue, CancellationToken.None);
        var receipt = Assert.Single(receipts, r => r.UserId != _alice.UserId);
        Assert.Equal((Bob, eventId, "main", 1234L), (receipt.UserId, receipt.EventId, receipt.ThreadId, receipt.Ts));
    }

    [Fact]
    public async Task A_remote_to_device_message_is_delivered_once_per_message_id()
    {
        var content = new JsonObject
        {
            ["sender"] = Bob,
            ["type"] = "m.room_key_request",
            ["message_id"] = "m1",
            ["messages"] = new JsonObject
            {
                [_alice.UserId] = new JsonObject { [_alice.DeviceId] = new JsonObject { ["n"] = 1 } },
            },
        };
        await HandleAsync(EduTypes.DirectToDevice, Remote, content);
        await HandleAsync(EduTypes.DirectToDevice, Remote, content);
        content["sender"] = "@mallory:other.test";
        content["message_id"] = "m2";
        await HandleAsync(EduTypes.DirectToDevice, Remote, content);

        var (_, sync) = await _server.GetAsync("/_matrix/client/v3/sync", _alice.AccessToken);
        var events = sync.GetProperty("to_device").GetProperty("events").EnumerateArray().ToList();
        var message = Assert.Single(events);
        Assert.Equal(Bob, message.GetProperty("sender").GetString());
        Assert.Equal(1, message.GetProperty("content").GetProperty("n").GetInt32());
    }

    [Fact]
    public async Task Remote_presence_is_kept_for_users_in_a_shared_room_only()
    {
        await HandleAsync(EduTypes.Presence, Remote, new JsonObject
        {
            ["push"] = new JsonArray(
                new JsonObject { ["user_id"] = Bob, ["presence"] = "online", ["last_active_ago"] = 5, ["status_msg"] = "gig" },
                new JsonObject { ["user_id"] = "@stranger:remote.test", ["presence"] = "online" },
                new JsonObject { ["user_id"] = "@mallory:other.test", ["presence"] = "online" }),
        });

        var (_, bob) = await _server.GetAsync($"/_matrix/client/v3/presence/{Bob}/status", _alice.AccessToken);
        Assert.Equal("online", bob.GetProperty("presence").GetString());
        Assert.Equal("gig", bob.GetProperty("status_msg").GetString());
        var store = Service<Homeserver.Services.Presence.IPresenceStore>();
        Assert.Null(await store.GetAsync("@stranger:remote.test", CancellationToken.None));
        Assert.Null(await store.GetAsync("@mallory:other.test", CancellationToken.None));
    }

    [Fact]
    public async Task A_remote_device_list_update_tells_local_clients_to_query_again()
    {
        var (_, first) = await _server.GetAsync("/_matrix/client/v3/sync", _alice.AccessToken);
        var since = first.GetProperty("next_batch").GetString();
        await HandleAsync(EduTypes.DeviceListUpdate, Other, new JsonObject { ["user_id"] = Bob, ["device_id"] = "D" });
        await HandleAsync(EduTypes.SigningKeyUpdate, Remote, new JsonObject { ["user_id"] = Bob });

        var (_, changes) = await _server.GetAsync($"/_matrix/client/v3/keys/changes?from={since}&to=" +
                                                  (await NextBatchAsync()), _alice.AccessToken);
        Assert.Equal([Bob], changes.GetProperty("changed").EnumerateArray().Select(u => u.GetString()));
    }

    private async Task<string> NextBatchAsync()
    {
        var (_, sync) = await _server.GetAsync("/_matrix/client/v3/sync", _alice.AccessToken);
        return sync.GetProperty("next_batch").GetString()!;
    }

    private T Service<T>() where T : notnull => _server.Instance.App.Services.GetRequiredService<T>();

    private async Task HandleAsync(string eduType, ServerName origin, JsonObject content)
    {
        var handler = Service<IEnumerable<IEduHandler>>().Single(h => h.EduType == eduType);
        await handler.HandleAsync(origin, JsonSerializer.SerializeToElement(content), CancellationToken.None);
    }
}
