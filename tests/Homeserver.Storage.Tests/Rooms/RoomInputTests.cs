using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Core.StateResolution;
using Homeserver.Services.Rooms;
using Homeserver.Services.Rooms.Input;
using Homeserver.Storage.Rooms;
using static Homeserver.Storage.Tests.Rooms.InputRoom;

namespace Homeserver.Storage.Tests.Rooms;

/// <summary>
/// The room writer's input path over the real store: events of another server (built and signed with Core's
/// <see cref="PduBuilder"/>) placed by their prev events (server-server API, "Checks performed on receipt of a
/// PDU"; room version 12, state resolution v2.1).
/// </summary>
public sealed class RoomInputTests
{
    private static readonly TypeAndStateKey Name = new("m.room.name", "");
    private static readonly TypeAndStateKey Topic = new("m.room.topic", "");

    [Fact]
    public async Task Two_branches_from_one_parent_are_merged_by_a_third_event_on_the_resolved_state()
    {
        await using var room = await InputRoom.CreateAsync();
        await JoinBobAsync(room);
        var parent = await room.HeadAsync();
        var a = room.Remote(Bob, Name.Type, "", new JsonObject { ["name"] = "A" }, parent.ForwardExtremities,
            parent.State, 100_002);
        var b = room.Remote(Bob, Name.Type, "", new JsonObject { ["name"] = "B" }, parent.ForwardExtremities,
            parent.State, 100_001);

        Assert.Equal(InputStatus.Accepted, (await room.InputAsync(a)).Status);
        Assert.Equal(InputStatus.Accepted, (await room.InputAsync(b)).Status);

        // Both branches are forward extremities; the current state is the resolution of the states after them:
        // the same power level and mainline, so the later timestamp is applied last and wins (not the later arrival).
        Assert.Equal(new[] { a.EventId, b.EventId }.Order(StringComparer.Ordinal), await room.ExtremitiesAsync());
        var expected = await StateResolver.ResolveAsync(RoomVersions.V12,
            [IdsAfter(parent.State, a), IdsAfter(parent.State, b)], await room.AllEventsAsync());
        var current = await room.CurrentStateAsync();
        Assert.Equal(expected, current);
        Assert.Equal(a.EventId, current[Name]);

        var merged = await room.HeadAsync();
        var c = room.Remote(Bob, Topic.Type, "", new JsonObject { ["topic"] = "merged" }, [a, b], merged.State,
            100_003);
        var result = await room.InputAsync(c);

        Assert.Equal(InputStatus.Accepted, result.Status);
        Assert.Equal([c.EventId], await room.ExtremitiesAsync());
        var before = await new RoomInputStore(room.DataSource, new StateGroupCache(new Services.Shared.InProcessSharedStore()))
            .GetStateAsync((await room.RowAsync(c.EventId)).StateGroupBefore!.Value, CancellationToken.None);
        Assert.Equal(expected, before);
        current = await room.CurrentStateAsync();
        Assert.Equal(a.EventId, current[Name]);
        Assert.Equal(c.EventId, current[Topic]);
        Assert.Equal(new[] { a.EventId, b.EventId, c.EventId }, room.Observed.EventIds.TakeLast(3));

        // A local send follows the merged head: its prev events are the extremities (the fast path).
        var local = await room.LocalAsync("m.room.message", null, new JsonObject { ["body"] = "after the merge" });
        Assert.Equal([c.EventId], local.Single().Pdu.PrevEvents);
        Assert.Equal([local.Single().Pdu.EventId], await room.ExtremitiesAsync());
    }

    [Fact]
    public async Task An_outlier_is_stored_without_timeline_position_state_or_extremity()
    {
        await using var room = await InputRoom.CreateAsync();
        await JoinBobAsync(room);
        var head = await room.HeadAsync();
        var outlier = room.Remote(Bob, Name.Type, "", new JsonObject { ["name"] = "outlier" },
            head.ForwardExtremities, head.State, 100_010);

        var result = await room.InputAsync(outlier, InputKind.Outlier);

        Assert.Equal(InputStatus.Accepted, result.Status);
        Assert.Null(result.StreamOrdering);
        var row = await room.RowAsync(outlier.EventId);
        Assert.True(row.Outlier);
        Assert.Null(row.StreamOrdering);
        Assert.Null(row.StateGroup);
        Assert.Equal(head.ForwardExtremities.Select(e => e.EventId), await room.ExtremitiesAsync());
        Assert.False((await room.CurrentStateAsync()).ContainsKey(Name));
        Assert.DoesNotContain(outlier.EventId, room.Observed.EventIds);
        Assert.Equal(InputStatus.AlreadyStored, (await room.InputAsync(outlier, InputKind.Outlier)).Status);
    }

    [Fact]
    public async Task A_soft_failed_event_is_stored_but_kept_out_of_state_timeline_and_sync()
    {
        await using var room = await InputRoom.CreateAsync();
        await JoinBobAsync(room);
        var beforeBan = await room.HeadAsync();
        var ban = (await room.LocalAsync(EventTypes.Member, Bob, new JsonObject { ["membership"] = "ban" })).Single();
        // Bob's server had not seen the ban: allowed by the state before it, not by the room's current state.
        var late = room.Remote(Bob, Name.Type, "", new JsonObject { ["name"] = "late" }, beforeBan.ForwardExtremities,
            beforeBan.State, 100_020);

        var result = await room.InputAsync(late);

        Assert.Equal(InputStatus.SoftFailed, result.Status);
        var row = await room.RowAsync(late.EventId);
        Assert.True(row.SoftFailed);
        Assert.Null(row.StreamOrdering);
        Assert.Null(row.RejectedReason);
        Assert.False((await room.CurrentStateAsync()).ContainsKey(Name));
        Assert.Equal([ban.Pdu.EventId], await room.ExtremitiesAsync());
        var timeline = await room.Reader.GetRoomEventsAsync(room.RoomId, 0, true, 100, CancellationToken.None);
        Assert.DoesNotContain(late.EventId, timeline.Select(e => e.Pdu.EventId));
        Assert.DoesNotContain(late.EventId, room.Observed.EventIds);
    }

    [Fact]
    public async Task A_rejected_event_is_stored_as_rejected_and_changes_no_state()
    {
        await using var room = await InputRoom.CreateAsync();
        var head = await room.HeadAsync();
        // Eve never joined: her auth events and the state before her event both refuse it.
        var forged = room.Remote(Eve, Name.Type, "", new JsonObject { ["name"] = "forged" }, head.ForwardExtremities,
            head.State, 100_030);

        var result = await room.InputAsync(forged);

        Assert.Equal(InputStatus.Rejected, result.Status);
        Assert.NotNull(result.Reason);
        var row = await room.RowAsync(forged.EventId);
        Assert.Equal(result.Reason, row.RejectedReason);
        Assert.Null(row.StreamOrdering);
        Assert.Equal(head.StateGroup, row.StateGroup); // the state after a rejected event is the state before it
        Assert.False((await room.CurrentStateAsync()).ContainsKey(Name));
        Assert.Equal(head.ForwardExtremities.Select(e => e.EventId), await room.ExtremitiesAsync());
        Assert.DoesNotContain(forged.EventId, room.Observed.EventIds);
    }

    [Fact]
    public async Task An_event_whose_prev_events_are_unknown_is_placed_on_the_state_it_came_with()
    {
        await using var room = await InputRoom.CreateAsync();
        var join = await JoinBobAsync(room);
        var head = await room.HeadAsync();
        var unseen = room.Remote(Bob, "m.room.message", null, new JsonObject { ["body"] = "never arrived" },
            head.ForwardExtremities, head.State, 100_040);
        var topic = room.Remote(Bob, Topic.Type, "", new JsonObject { ["topic"] = "from a gap" }, [unseen],
            head.State, 100_041);

        var missing = await room.InputAsync(topic);

        Assert.Equal(InputStatus.MissingEvents, missing.Status);
        Assert.Equal([EventId.Parse(unseen.EventId)], missing.Missing);
        Assert.Equal([join.EventId], await room.ExtremitiesAsync());

        var stateIds = head.State.Values.Select(p => EventId.Parse(p.EventId)).ToList();
        var result = await room.InputAsync(topic, stateBefore: stateIds);

        Assert.Equal(InputStatus.Accepted, result.Status);
        var row = await room.RowAsync(topic.EventId);
        var before = await new RoomInputStore(room.DataSource, new StateGroupCache(new Services.Shared.InProcessSharedStore()))
            .GetStateAsync(row.StateGroupBefore!.Value, CancellationToken.None);
        Assert.Equal(head.State.ToDictionary(p => p.Key, p => p.Value.EventId), before);
        // The join is still an extremity (the topic does not name it); the topic joins it.
        Assert.Equal(new[] { join.EventId, topic.EventId }.Order(StringComparer.Ordinal),
            await room.ExtremitiesAsync());
        Assert.Equal(topic.EventId, (await room.CurrentStateAsync())[Topic]);
    }

    [Fact]
    public async Task Concurrent_local_sends_are_chained_and_committed_in_groups()
    {
        var commits = 0;
        await using var room = await InputRoom.CreateAsync(() =>
        {
            Interlocked.Increment(ref commits);
            return Task.CompletedTask;
        });
        var before = Volatile.Read(ref commits);

        var sends = Enumerable.Range(0, 100)
            .Select(i => room.LocalAsync("m.room.message", null, new JsonObject { ["body"] = $"message {i}" }))
            .ToList();
        var sent = (await Task.WhenAll(sends)).Select(r => r.Single()).OrderBy(e => e.StreamOrdering).ToList();

        Assert.Equal(100, sent.Select(e => e.StreamOrdering).Distinct().Count());
        for (var i = 1; i < sent.Count; i++)
        {
            Assert.Equal([sent[i - 1].Pdu.EventId], sent[i].Pdu.PrevEvents);
        }

        Assert.Equal([sent[^1].Pdu.EventId], await room.ExtremitiesAsync());
        Assert.InRange(Volatile.Read(ref commits) - before, 1, 10);
    }

    [Fact]
    public async Task An_input_whose_head_moved_before_its_append_is_placed_again_on_the_new_head()
    {
        var interleaved = new InterleavingInputs();
        await using var room = await InputRoom.CreateAsync(wrapInputs: interleaved.Wrap);
        await JoinBobAsync(room);
        var head = await room.HeadAsync();
        var topic = room.Remote(Bob, Topic.Type, "", new JsonObject { ["topic"] = "raced" }, head.ForwardExtremities,
            head.State, 100_050);
        PersistedEvent? local = null;
        // After the placement read its events (on the head with the join as extremity), a local send moves the head.
        interleaved.BeforeNextRead = async () => local = (await room.LocalAsync("m.room.message", null,
            new JsonObject { ["body"] = "meanwhile" })).Single();

        var result = await room.InputAsync(topic);

        Assert.Equal(InputStatus.Accepted, result.Status);
        Assert.NotNull(local);
        // Placed on the moved head, the topic no longer follows it: both are extremities (placed on the old head,
        // the topic would have been the only one and the local message would have dropped out of the graph's edge).
        Assert.Equal(new[] { local.Pdu.EventId, topic.EventId }.Order(StringComparer.Ordinal),
            await room.ExtremitiesAsync());
        Assert.Equal(topic.EventId, (await room.CurrentStateAsync())[Topic]);
    }

    [Fact]
    public async Task A_backfilled_event_is_placed_before_the_timeline_and_moves_nothing()
    {
        await using var room = await InputRoom.CreateAsync();
        await JoinBobAsync(room);
        var head = await room.HeadAsync();
        var older = room.Remote(Bob, "m.room.message", null, new JsonObject { ["body"] = "long ago" },
            [room.Remote(Bob, "m.room.message", null, new JsonObject(), head.ForwardExtremities, head.State, 1)],
            head.State, 2);

        var result = await room.InputAsync(older, InputKind.Backfill,
            head.State.Values.Select(p => EventId.Parse(p.EventId)).ToList());

        Assert.Equal(InputStatus.Accepted, result.Status);
        Assert.True(result.StreamOrdering < 0);
        Assert.Equal(head.ForwardExtremities.Select(e => e.EventId), await room.ExtremitiesAsync());
        Assert.Equal(head.LastStream, (await room.HeadAsync()).LastStream);
        Assert.DoesNotContain(older.EventId, room.Observed.EventIds);
    }

    private static async Task<Pdu> JoinBobAsync(InputRoom room)
    {
        var head = await room.HeadAsync();
        var join = room.Remote(Bob, EventTypes.Member, Bob, new JsonObject { ["membership"] = "join" },
            head.ForwardExtremities, head.State, 100_000);
        var result = await room.InputAsync(join);
        Assert.Equal(InputStatus.Accepted, result.Status);
        Assert.NotNull(result.StreamOrdering);
        return join;
    }

    private static Dictionary<TypeAndStateKey, string> IdsAfter(ImmutableDictionary<TypeAndStateKey, Pdu> state,
        Pdu pdu) =>
        StateResolver.StateAfter(state.ToDictionary(p => p.Key, p => p.Value.EventId), pdu);

    /// <summary>Runs <see cref="BeforeNextRead"/> once, before the second read of events by an input (the first is
    /// the "already stored?" check; the second is the placement's), then reads.</summary>
    private sealed class InterleavingInputs
    {
        private int _reads;

        public Func<Task>? BeforeNextRead { get; set; }

        public IRoomInputStore Wrap(IRoomInputStore inner) => new Store(this, inner);

        private sealed class Store(InterleavingInputs owner, IRoomInputStore inner) : IRoomInputStore
        {
            public async Task<IReadOnlyDictionary<string, InputStoredEvent>> GetEventsAsync(
                IReadOnlyCollection<string> eventIds, CancellationToken cancellationToken)
            {
                var read = await inner.GetEventsAsync(eventIds, cancellationToken);
                if (owner.BeforeNextRead is { } action && ++owner._reads == 2)
                {
                    owner.BeforeNextRead = null;
                    await action();
                }

                return read;
            }

            public Task<IReadOnlyDictionary<TypeAndStateKey, string>> GetStateAsync(long stateGroup,
                CancellationToken cancellationToken) => inner.GetStateAsync(stateGroup, cancellationToken);

            public Task<bool> IsReferencedAsync(string eventId, CancellationToken cancellationToken) =>
                inner.IsReferencedAsync(eventId, cancellationToken);
        }
    }
}
