using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Dapper;
using Homeserver.Core.Auth;
using Homeserver.Core.Crypto;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Core.StateResolution;
using Homeserver.Services.Configuration;
using Homeserver.Services.Rooms;
using Homeserver.Services.Rooms.Input;
using Homeserver.Services.Shared;
using Homeserver.Storage.Rooms;
using Homeserver.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Homeserver.Storage.Tests.Rooms;

/// <summary>
/// A room of this server (test.local, created by Alice: join rule public, Bob of remote.test at power level 50) in a
/// fresh database, with the room writer over the real store, and events of a "remote" server built with Core's
/// <see cref="PduBuilder"/> and signed by its own key.
/// </summary>
internal sealed class InputRoom : IAsyncDisposable
{
    public const string Alice = "@alice:test.local";
    public const string Bob = "@bob:remote.test";
    public const string Eve = "@eve:remote.test";

    public static readonly SigningKey RemoteKey = SigningKey.FromSeed("r", Enumerable.Repeat((byte)7, 32).ToArray());

    public static readonly SigningKey LocalKey = SigningKey.FromSeed("a", new byte[32]);

    private readonly RoomEventFactory _local = new(
        SettingsReader.Read(new ConfigurationBuilder().AddInMemoryCollection(
            new Dictionary<string, string?> { ["Homeserver:ServerName"] = "test.local" }).Build(), "/srv/homeserver"),
        LocalKey, new ManualClock());

    private readonly InProcessSharedStore _shared = new();

    private InputRoom(string connectionString, Func<Task>? afterCommit,
        Func<IRoomInputStore, IRoomInputStore>? wrapInputs)
    {
        ConnectionString = connectionString;
        DataSource = NpgsqlDataSource.Create(connectionString);
        Store = new RoomEventWriter(DataSource, 100_000, afterCommit);
        var groups = new StateGroupCache(_shared);
        Reader = new RoomEventReader(DataSource, groups, NullLogger<RoomEventReader>.Instance);
        IRoomInputStore inputs = new RoomInputStore(DataSource, groups);
        Writer = new RoomWriter(Store, wrapInputs?.Invoke(inputs) ?? inputs, [Observed]);
    }

    public string ConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    public RoomEventWriter Store { get; }

    public RoomEventReader Reader { get; }

    public RoomWriter Writer { get; }

    public RecordingObserver Observed { get; } = new();

    public string RoomId { get; private set; } = "";

    /// <param name="wrapInputs">Wraps the input path's reads (to act between a placement and its append).</param>
    public static async Task<InputRoom> CreateAsync(Func<Task>? afterCommit = null,
        Func<IRoomInputStore, IRoomInputStore>? wrapInputs = null)
    {
        var room = new InputRoom(await WriterRoom.MigratedDatabaseAsync(), afterCommit, wrapInputs);
        var create = room._local.BuildCreate(RoomVersions.V12, new PduTemplate(EventTypes.Create, Alice, "",
            new JsonObject { ["room_version"] = "12" }));
        await room.Writer.CreateRoomAsync(create, first =>
        {
            var head = first;
            var events = new List<NewRoomEvent>();
            foreach (var (type, stateKey, content) in new[]
                     {
                         (EventTypes.Member, Alice, new JsonObject { ["membership"] = "join" }),
                         (EventTypes.PowerLevels, "", new JsonObject
                         {
                             ["users"] = new JsonObject { [Bob] = 50 }, ["users_default"] = 0,
                             ["events_default"] = 0, ["state_default"] = 50, ["ban"] = 50, ["kick"] = 50,
                             ["redact"] = 50, ["invite"] = 0,
                         }),
                         ("m.room.join_rules", "", new JsonObject { ["join_rule"] = "public" }),
                     })
            {
                var pdu = room._local.Build(head, new PduTemplate(type, Alice, stateKey, content));
                events.Add(new NewRoomEvent(pdu));
                head = head.After(pdu);
            }

            return events;
        }, CancellationToken.None);
        room.RoomId = create.RoomId;
        return room;
    }

    public async Task<RoomHead> HeadAsync() => (await Store.GetHeadAsync(RoomId, CancellationToken.None))!;

    /// <summary>An event of remote.test on the given prev events and the state before it (auth events from it).</summary>
    public Pdu Remote(string sender, string type, string? stateKey, JsonObject content, IReadOnlyList<Pdu> prevEvents,
        ImmutableDictionary<TypeAndStateKey, Pdu> stateBefore, long timestamp) =>
        PduBuilder.TryBuild(RoomVersions.V12, RoomId, new PduTemplate(type, sender, stateKey, content), prevEvents,
            new StateMap(stateBefore.Values), timestamp, "remote.test", RemoteKey, out var pdu, out var error)
            ? pdu!
            : throw new InvalidOperationException(error);

    public Task<InputResult> InputAsync(Pdu pdu, InputKind kind = InputKind.New,
        IReadOnlyCollection<EventId>? stateBefore = null) =>
        Writer.InputAsync(new InputEvent(pdu, kind, ServerName.Parse("remote.test")) { StateBefore = stateBefore },
            CancellationToken.None);

    public Task<IReadOnlyList<PersistedEvent>> LocalAsync(string type, string? stateKey, JsonObject content) =>
        Writer.AppendAsync(RoomId, head => [new NewRoomEvent(_local.Build(head,
            new PduTemplate(type, Alice, stateKey, content)))], CancellationToken.None);

    public async Task<IReadOnlyList<string>> ExtremitiesAsync()
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<string>(
            "SELECT event_id FROM forward_extremities WHERE room_id = @RoomId ORDER BY event_id", new { RoomId }))
            .ToList();
    }

    /// <summary>The materialised current state (<c>current_state</c>).</summary>
    public async Task<Dictionary<TypeAndStateKey, string>> CurrentStateAsync()
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<(string Type, string StateKey, string EventId)>(
                "SELECT type, state_key, event_id FROM current_state WHERE room_id = @RoomId", new { RoomId }))
            .ToDictionary(r => new TypeAndStateKey(r.Type, r.StateKey), r => r.EventId);
    }

    public async Task<EventRow> RowAsync(string eventId)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        return await connection.QuerySingleAsync<EventRow>("""
            SELECT stream_ordering AS StreamOrdering, outlier AS Outlier, rejected_reason AS RejectedReason,
                   soft_failed AS SoftFailed, state_group AS StateGroup, state_group_before AS StateGroupBefore
            FROM events WHERE event_id = @eventId
            """, new { eventId });
    }

    /// <summary>Every stored event of the room, as the state resolution source of the expected answers.</summary>
    public async Task<InMemoryEventSource> AllEventsAsync()
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        var rows = await connection.QueryAsync<(string EventId, string Json)>(
            "SELECT event_id, json FROM events WHERE room_id = @RoomId", new { RoomId });
        return new InMemoryEventSource(rows.Select(r => Pdu.FromTrusted(r.Json, RoomVersions.V12, r.EventId)));
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        await DataSource.DisposeAsync();
        _shared.Dispose();
    }

    public sealed record EventRow(long? StreamOrdering, bool Outlier, string? RejectedReason, bool SoftFailed,
        long? StateGroup, long? StateGroupBefore);

    public sealed class RecordingObserver : IEventPersistedObserver
    {
        private readonly List<PersistedEvent> _events = [];

        public IReadOnlyList<string> EventIds
        {
            get
            {
                lock (_events)
                {
                    return _events.Select(e => e.Pdu.EventId).ToList();
                }
            }
        }

        public void OnPersisted(IReadOnlyList<PersistedEvent> events)
        {
            lock (_events)
            {
                _events.AddRange(events);
            }
        }
    }
}
