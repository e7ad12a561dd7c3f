using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Federation;
using Homeserver.Services.Federation.Events;
using Homeserver.Services.Federation.Keys;
using Homeserver.Services.Federation.Transactions;
using Homeserver.Services.Rooms.Input;
using Homeserver.Services.Shared;
using Homeserver.Storage.Federation;
using Homeserver.Storage.Rooms;
using Homeserver.Storage.Tests.Rooms;
using Homeserver.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Homeserver.Storage.Tests.Federation;

/// <summary>
/// The receiving side of transactions over a real store: an <see cref="InputRoom"/> of this server (test.local) with
/// Bob of remote.test joined, the <see cref="TransactionReceiver"/> as the host wires it, and remote.test as a
/// <see cref="TestRemoteServer"/> on loopback for what the receiver fetches.
/// </summary>
internal sealed class ReceiverHarness : IAsyncDisposable
{
    public static readonly ServerName Origin = ServerName.Parse(TestRemoteServer.Name);

    private readonly InProcessSharedStore _shared = new();

    private ReceiverHarness(InputRoom room, TestRemoteServer remote, RemoteFetchLimits limits,
        IEnumerable<IEduHandler> handlers)
    {
        Room = room;
        Remote = remote;
        Verifier = new RemotePduVerifier(new TestKeys());
        Fetcher = new RemoteEventFetcher(remote.Client, Verifier, NullLogger<RemoteEventFetcher>.Instance);
        var input = new RemotePduInput(room.Writer, room.Store,
            new RoomInputStore(room.DataSource, new StateGroupCache(_shared)), Fetcher,
            NullLogger<RemotePduInput>.Instance) { Limits = limits };
        var acl = new ServerAclGuard(new RoomHistoryReader(room.DataSource, room.Reader, new StateGroupCache(_shared)));
        Receiver = new TransactionReceiver(new ReceivedTransactionStore(room.DataSource, new ManualClock()),
            new InboundPduHandler(room.Reader, acl, Verifier, input, NullLogger<InboundPduHandler>.Instance),
            new EduDispatcher(handlers, acl, NullLogger<EduDispatcher>.Instance),
            NullLogger<TransactionReceiver>.Instance);
    }

    public InputRoom Room { get; }

    public TestRemoteServer Remote { get; }

    public RemotePduVerifier Verifier { get; }

    public RemoteEventFetcher Fetcher { get; }

    public TransactionReceiver Receiver { get; }

    public static async Task<ReceiverHarness> StartAsync(RemoteFetchLimits? limits = null,
        params IEduHandler[] handlers)
    {
        var room = await InputRoom.CreateAsync();
        var remote = await TestRemoteServer.StartAsync();
        var harness = new ReceiverHarness(room, remote, limits ?? RemoteFetchLimits.Default, handlers);
        var head = await room.HeadAsync();
        var join = room.Remote(InputRoom.Bob, EventTypes.Member, InputRoom.Bob,
            new JsonObject { ["membership"] = "join" }, head.ForwardExtremities, head.State, 100_000);
        Assert.Equal(InputStatus.Accepted, (await room.InputAsync(join)).Status);
        return harness;
    }

    /// <summary>A message of Bob's on the given prev events (the state before it the room's current state).</summary>
    public async Task<Pdu> MessageAsync(string body, IReadOnlyList<Pdu>? prevEvents = null,
        ImmutableDictionary<TypeAndStateKey, Pdu>? state = null, long timestamp = 200_000)
    {
        var head = await Room.HeadAsync();
        return Room.Remote(InputRoom.Bob, "m.room.message", null,
            new JsonObject { ["msgtype"] = "m.text", ["body"] = body }, prevEvents ?? head.ForwardExtremities,
            state ?? head.State, timestamp);
    }

    public Task<JsonObject> SendAsync(string transactionId, IEnumerable<JsonNode> pdus,
        IEnumerable<JsonNode>? edus = null) =>
        Receiver.ReceiveAsync(Origin, transactionId, JsonSerializer.SerializeToElement(new JsonObject
        {
            ["origin"] = Origin.Value,
            ["origin_server_ts"] = 1,
            ["pdus"] = new JsonArray(pdus.ToArray()),
            ["edus"] = new JsonArray((edus ?? []).ToArray()),
        }), CancellationToken.None);

    public Task<JsonObject> SendAsync(string transactionId, params Pdu[] pdus) =>
        SendAsync(transactionId, pdus.Select(Json));

    public static JsonObject Json(Pdu pdu) => pdu.ToJsonObject();

    public async Task<Pdu?> StoredAsync(string eventId) =>
        (await Room.Reader.GetEventAsync(eventId, CancellationToken.None))?.Pdu;

    public async ValueTask DisposeAsync()
    {
        await Remote.DisposeAsync();
        await Room.DisposeAsync();
        _shared.Dispose();
    }

    /// <summary>The keys of remote.test and test.local as the tests sign with them, valid forever.</summary>
    private sealed class TestKeys : IServerKeyResolver
    {
        public Task<ServerVerifyKey?> GetVerifyKeyAsync(ServerName server, string keyId, long? validAtTs,
            CancellationToken cancellationToken)
        {
            var key = server.Value switch
            {
                TestRemoteServer.Name => InputRoom.RemoteKey,
                "test.local" => InputRoom.LocalKey,
                _ => null,
            };
            return Task.FromResult(key is not null && key.KeyId == keyId
                ? new ServerVerifyKey(keyId, key.KeyPair.PublicKey, long.MaxValue, false)
                : null);
        }
    }
}

/// <summary>Records the EDUs it is given, or throws for each when told to.</summary>
internal sealed class RecordingEduHandler(string eduType, bool fails = false) : IEduHandler
{
    public string EduType => eduType;

    public List<(ServerName Origin, JsonElement Content)> Handled { get; } = [];

    public Task HandleAsync(ServerName origin, JsonElement content, CancellationToken cancellationToken)
    {
        if (fails)
        {
            throw new InvalidOperationException("this handler fails");
        }

        Handled.Add((origin, content.Clone()));
        return Task.CompletedTask;
    }
}
