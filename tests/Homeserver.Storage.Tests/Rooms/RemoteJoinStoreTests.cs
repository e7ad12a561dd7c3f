using System.Text.Json.Nodes;
using Dapper;
using Homeserver.Core.Crypto;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Rooms;
using Homeserver.Services.Rooms.Input;
using Homeserver.Services.Shared;
using Homeserver.Storage.Rooms;
using Homeserver.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Homeserver.Storage.Tests.Rooms;

/// <summary>
/// Rooms hosted elsewhere over the real store: a room made from a send_join answer (outliers, then the head our join
/// starts), and membership events stored out of band for rooms without a head here (migration 0030).
/// </summary>
public sealed class RemoteJoinStoreTests : IAsyncDisposable
{
    private const string Alice = "@alice:test.local";
    private const string Carol = "@carol:test.local";

    private readonly RemoteRoomBuilder _remote = new("remote.test",
        SigningKey.FromSeed("r", Enumerable.Repeat((byte)9, 32).ToArray()));

    private NpgsqlDataSource _dataSource = null!;
    private RoomEventWriter _store = null!;
    private RoomWriter _writer = null!;
    private RoomEventReader _reader = null!;
    private InProcessSharedStore _shared = null!;
    private readonly InputRoom.RecordingObserver _observed = new();

    [Fact]
    public async Task A_joined_remote_room_gets_its_head_from_the_state_before_the_join_plus_the_join()
    {
        await StartAsync();
        var join = JoinOf(Alice);

        await _writer.JoinFromRemoteAsync(join, ServerName.Parse("remote.test"), CancellationToken.None);

        var head = await _writer.GetHeadAsync(_remote.RoomId, CancellationToken.None);
        Assert.NotNull(head);
        Assert.Equal([join.Join.EventId], head.ForwardExtremities.Select(e => e.EventId));
        Assert.Equal(join.StateAfter.ToDictionary(p => p.Key, p => p.Value.EventId),
            head.State.ToDictionary(p => p.Key, p => p.Value.EventId));
        Assert.Equal(("join", join.Join.EventId), await _reader.GetMembershipAsync(_remote.RoomId, Alice,
            CancellationToken.None));
        Assert.Contains(_remote.RoomId, await _reader.GetJoinedRoomsAsync(Alice, CancellationToken.None));
        Assert.Equal([join.Join.EventId], _observed.EventIds);

        // The resident's events are outliers (no position); the join is in the timeline with the state before it.
        await using var connection = await _dataSource.OpenConnectionAsync();
        var rows = (await connection.QueryAsync<(string EventId, long? Stream, bool Outlier)>(
            "SELECT event_id, stream_ordering, outlier FROM events WHERE room_id = @room",
            new { room = _remote.RoomId })).ToDictionary(r => r.EventId);
        Assert.All(join.Outliers, e => Assert.True(rows[e.EventId] is { Stream: null, Outlier: true }));
        Assert.True(rows[join.Join.EventId] is { Stream: not null, Outlier: false });
        Assert.Equal(join.StateBefore.ToDictionary(p => p.Key, p => p.Value.EventId),
            await StateBeforeAsync(connection, join.Join.EventId));

        // The next event of the resident follows our join on the input path: the head is a real one.
        _remote.Add(join.Join);
        var message = _remote.Append("m.room.message", _remote.Creator, null, new JsonObject { ["body"] = "hi" });
        var input = await _writer.InputAsync(new InputEvent(message, InputKind.New, ServerName.Parse("remote.test")),
            CancellationToken.None);
        Assert.Equal(InputStatus.Accepted, input.Status);
    }

    [Fact]
    public async Task An_out_of_band_invite_gives_a_membership_but_no_head_until_the_join_makes_one()
    {
        await StartAsync();
        var invite = _remote.Build(EventTypes.Member, _remote.Creator, Alice,
            new JsonObject { ["membership"] = "invite" });

        await _writer.StoreOutOfBandMembershipAsync(invite, CancellationToken.None);
        await _writer.StoreOutOfBandMembershipAsync(invite, CancellationToken.None); // again: nothing new

        Assert.Null(await _writer.GetHeadAsync(_remote.RoomId, CancellationToken.None));
        Assert.Equal(("invite", invite.EventId), await _reader.GetMembershipAsync(_remote.RoomId, Alice,
            CancellationToken.None));
        Assert.Equal([invite.EventId], _observed.EventIds);
        await using (var connection = await _dataSource.OpenConnectionAsync())
        {
            var row = await connection.QuerySingleAsync<(long? Stream, bool Outlier)>(
                "SELECT stream_ordering, outlier FROM events WHERE event_id = @id", new { id = invite.EventId });
            Assert.True(row is { Stream: not null, Outlier: true });
        }

        // A local write to a room known only out of band is an unknown room, not a server error.
        var error = await Assert.ThrowsAsync<Core.Errors.MatrixException>(() => _writer.AppendAsync(_remote.RoomId,
            _ => throw new InvalidOperationException("not decided"), CancellationToken.None));
        Assert.Equal(Core.Errors.ErrorCode.NotFound, error.Code);

        var join = JoinOf(Alice);
        await _writer.JoinFromRemoteAsync(join, ServerName.Parse("remote.test"), CancellationToken.None);

        Assert.NotNull(await _writer.GetHeadAsync(_remote.RoomId, CancellationToken.None));
        Assert.Equal(("join", join.Join.EventId), await _reader.GetMembershipAsync(_remote.RoomId, Alice,
            CancellationToken.None));
    }

    [Fact]
    public async Task A_second_join_to_a_room_with_a_head_is_input_on_it_with_the_residents_state()
    {
        await StartAsync();
        var first = JoinOf(Alice);
        await _writer.JoinFromRemoteAsync(first, ServerName.Parse("remote.test"), CancellationToken.None);
        _remote.Add(first.Join);
        _remote.Append("m.room.topic", _remote.Creator, "", new JsonObject { ["topic"] = "later" });
        var second = JoinOf(Carol);

        await _writer.JoinFromRemoteAsync(second, ServerName.Parse("remote.test"), CancellationToken.None);

        var head = (await _writer.GetHeadAsync(_remote.RoomId, CancellationToken.None))!;
        // Its prev event (the topic) is an outlier here: our first join stays an extremity beside it.
        Assert.Equal(new[] { first.Join.EventId, second.Join.EventId }.Order(StringComparer.Ordinal),
            head.ForwardExtremities.Select(e => e.EventId).Order(StringComparer.Ordinal));
        Assert.Equal("later", head.Get("m.room.topic", "")!.ContentString("topic"));
        Assert.Equal(("join", second.Join.EventId), await _reader.GetMembershipAsync(_remote.RoomId, Carol,
            CancellationToken.None));
    }

    public async ValueTask DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
            await _dataSource.DisposeAsync();
            _shared.Dispose();
        }
    }

    private async Task StartAsync()
    {
        _dataSource = NpgsqlDataSource.Create(await WriterRoom.MigratedDatabaseAsync());
        _store = new RoomEventWriter(_dataSource, 100_000);
        _shared = new InProcessSharedStore();
        var groups = new StateGroupCache(_shared);
        _reader = new RoomEventReader(_dataSource, groups, NullLogger<RoomEventReader>.Instance);
        _writer = new RoomWriter(_store, new RoomInputStore(_dataSource, groups), [_observed]);
    }

    /// <summary>A join of <paramref name="user"/> on the remote room's head, as a send_join answer gives it.</summary>
    private RemoteJoinSnapshot JoinOf(string user)
    {
        var join = _remote.Build(EventTypes.Member, user, user, new JsonObject { ["membership"] = "join" });
        var state = _remote.State;
        var chain = _remote.AuthChainOf(state.Values.Append(join));
        var outliers = chain.Concat(state.Values).DistinctBy(e => e.EventId).ToList();
        return new RemoteJoinSnapshot(_remote.Create, outliers, state, join);
    }

    private async Task<Dictionary<TypeAndStateKey, string>> StateBeforeAsync(NpgsqlConnection connection,
        string eventId)
    {
        var group = await connection.QuerySingleAsync<long>(
            "SELECT state_group_before FROM events WHERE event_id = @eventId", new { eventId });
        var inputs = new RoomInputStore(_dataSource, new StateGroupCache(new InProcessSharedStore()));
        return (await inputs.GetStateAsync(group, CancellationToken.None)).ToDictionary(p => p.Key, p => p.Value);
    }
}
