using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Configuration;
using Homeserver.Services.Federation;
using Homeserver.Services.Federation.History;
using Homeserver.Services.Rooms.Input;
using Homeserver.Storage.Accounts;
using Homeserver.Storage.Federation;
using Homeserver.Storage.Rooms;
using Homeserver.Storage.Tests.Rooms;
using Homeserver.Testing;
using Microsoft.Extensions.Configuration;

namespace Homeserver.Storage.Tests.Federation.History;

/// <summary>
/// An <see cref="InputRoom"/> (test.local's room; Alice of test.local, users of remote.test) with the services that
/// serve its history to other servers, over the real store.
/// </summary>
internal sealed class HistoryRoom : IAsyncDisposable
{
    public static readonly ServerName Remote = ServerName.Parse("remote.test");
    public static readonly ServerName Stranger = ServerName.Parse("stranger.test");

    private long _timestamp = 100_000;

    private HistoryRoom(InputRoom room)
    {
        Room = room;
        var settings = SettingsReader.Read(new ConfigurationBuilder().AddInMemoryCollection(
            new Dictionary<string, string?> { ["Homeserver:ServerName"] = "test.local" }).Build(), "/srv/homeserver");
        var groups = new StateGroupCache(new Services.Shared.InProcessSharedStore());
        var history = new RoomHistoryReader(room.DataSource, room.Reader, groups);
        Store = new FederationHistoryStore(room.DataSource, groups);
        Visibility = new ServerEventVisibility(room.Reader, history, new ErasedUserReader(room.DataSource));
        var gate = new FederationRoomGate(Store, new ServerAclGuard(history));
        Events = new FederationEventService(settings, Store, room.Reader, gate, Visibility, Clock);
        Backfill = new FederationBackfillService(settings, Store, room.Reader, history, gate, Visibility, Clock);
    }

    public InputRoom Room { get; }

    public RoomId RoomId => RoomId.Parse(Room.RoomId);

    public ManualClock Clock { get; } = new();

    public FederationHistoryStore Store { get; }

    public ServerEventVisibility Visibility { get; }

    public FederationEventService Events { get; }

    public FederationBackfillService Backfill { get; }

    public static async Task<HistoryRoom> CreateAsync() => new(await InputRoom.CreateAsync());

    /// <summary>A local event of Alice's (state when <paramref name="stateKey"/> is given).</summary>
    public async Task<Pdu> LocalAsync(string type, string? stateKey, JsonObject content) =>
        (await Room.LocalAsync(type, stateKey, content)).Single().Pdu;

    public Task<Pdu> MessageAsync(string body) =>
        LocalAsync("m.room.message", null, new JsonObject { ["msgtype"] = "m.text", ["body"] = body });

    public Task<Pdu> VisibilityAsync(string visibility) =>
        LocalAsync(EventTypes.HistoryVisibility, "", new JsonObject { ["history_visibility"] = visibility });

    /// <summary>An event of remote.test's user on the room's head, input as a new event; its status is returned.</summary>
    public async Task<(Pdu Pdu, InputStatus Status)> RemoteAsync(string sender, string type, string? stateKey,
        JsonObject content, long? timestamp = null)
    {
        var head = await Room.HeadAsync();
        var pdu = Room.Remote(sender, type, stateKey, content, head.ForwardExtremities, head.State,
            timestamp ?? ++_timestamp);
        return (pdu, (await Room.InputAsync(pdu)).Status);
    }

    public async Task<Pdu> MembershipAsync(string user, string membership)
    {
        var (pdu, status) = await RemoteAsync(user, EventTypes.Member, user,
            new JsonObject { ["membership"] = membership });
        Assert.Equal(InputStatus.Accepted, status);
        return pdu;
    }

    /// <summary>The events as <paramref name="server"/> is served them, by event ID.</summary>
    public async Task<Dictionary<string, JsonObject>> ServedAsync(ServerName server, params Pdu[] events)
    {
        var stored = await Room.Reader.GetEventsAsync(events.Select(e => e.EventId).ToList(), CancellationToken.None);
        var served = await Visibility.ServeAsync(server, stored, CancellationToken.None);
        return stored.Zip(served).ToDictionary(p => p.First.Pdu.EventId, p => p.Second, StringComparer.Ordinal);
    }

    public ValueTask DisposeAsync() => Room.DisposeAsync();

    /// <summary>Whether a served PDU is whole: it still has the content the event was sent with.</summary>
    public static bool IsWhole(JsonObject served, Pdu original) =>
        JsonNode.DeepEquals(served["content"], JsonNode.Parse(original.Content.GetRawText()));

    public static async Task<MatrixException> RefusedAsync(Func<Task> request) =>
        await Assert.ThrowsAsync<MatrixException>(request);

    public static IReadOnlyList<string> Ids(JsonNode? array) =>
        array!.AsArray().Select(n => n!.GetValue<string>()).ToList();

    /// <summary>The IDs of served PDUs, computed from the PDUs as served (room version 12).</summary>
    public static IReadOnlyList<string> EventIdsOf(JsonNode? pdus) =>
        pdus!.AsArray().Select(n => Pdu.TryParse(n!.AsObject().DeepClone().AsObject(), RoomVersions.V12, out var pdu,
            out var error) ? pdu!.EventId : throw new InvalidOperationException(error)).ToList();

    public static string Text(JsonNode node) => node.ToJsonString(new JsonSerializerOptions());
}
