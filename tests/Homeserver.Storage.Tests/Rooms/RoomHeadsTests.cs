using System.Collections.Immutable;
using Homeserver.Core.Events;
using Homeserver.Services.Rooms;
using Homeserver.Storage.Rooms;
using Npgsql;

namespace Homeserver.Storage.Tests.Rooms;

/// <summary>The cache of room heads is bounded by the state entries it holds, dropping least recently used rooms.</summary>
public sealed class RoomHeadsTests
{
    [Fact]
    public void Rooms_beyond_the_state_entry_bound_are_dropped_least_recently_used_first()
    {
        var heads = new RoomHeads(maxStateEntries: 10);
        heads.Set(Head("!a:test.local", 4));
        heads.Set(Head("!b:test.local", 4));
        Assert.True(heads.TryGet("!a:test.local", out _)); // a is now used more recently than b

        heads.Set(Head("!c:test.local", 4));

        Assert.True(heads.TryGet("!a:test.local", out _));
        Assert.False(heads.TryGet("!b:test.local", out _));
        Assert.True(heads.TryGet("!c:test.local", out _));
        Assert.Equal(8, heads.StateEntries);
    }

    [Fact]
    public void A_new_head_of_a_cached_room_replaces_its_weight_and_a_room_bigger_than_the_bound_is_still_kept()
    {
        var heads = new RoomHeads(maxStateEntries: 10);
        heads.Set(Head("!a:test.local", 4));
        heads.Set(Head("!a:test.local", 6));
        Assert.Equal(6, heads.StateEntries);

        heads.Set(Head("!big:test.local", 50));

        Assert.False(heads.TryGet("!a:test.local", out _));
        Assert.True(heads.TryGet("!big:test.local", out var big));
        Assert.Equal(50, big.State.Count);
        Assert.Equal(50, heads.StateEntries);
    }

    [Fact]
    public async Task Rooms_dropped_from_the_cache_are_read_again_from_postgres_when_next_written()
    {
        var connectionString = await WriterRoom.MigratedDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        // Each room holds two state entries (create, alice's join): only one room fits.
        await using var writer = new RoomEventWriter(dataSource, 3);
        var first = await WriterRoom.CreateAsync(writer);
        await WriterRoom.SetNameAsync(writer, first, "First");
        var second = await WriterRoom.CreateAsync(writer);
        Assert.False(writer.Heads.TryGet(first, out _));

        var sent = await WriterRoom.SendAsync(writer, first, "still works");

        Assert.Equal(1, await WriterRoom.CountAsync(connectionString, first, "m.room.message"));
        Assert.True(writer.Heads.TryGet(first, out var reloaded));
        Assert.Equal("First", reloaded.Get("m.room.name", "")!.Content.GetProperty("name").GetString());
        Assert.Equal(sent.Single().StreamOrdering, reloaded.LastStream);
        Assert.False(writer.Heads.TryGet(second, out _));
    }

    private static RoomHead Head(string roomId, int entries) => new(roomId, RoomVersions.V12, [],
        ImmutableDictionary.CreateRange(Enumerable.Range(0, entries).Select(i => Pdu.FromTrusted($$"""
            {"type":"m.room.member","state_key":"@u{{i}}:test.local","sender":"@u{{i}}:test.local",
             "room_id":"{{roomId}}","content":{"membership":"join"},"origin_server_ts":1,"depth":1,
             "prev_events":[],"auth_events":[]}
            """, RoomVersions.V12, $"$m{i}{roomId}")).Select(p => KeyValuePair.Create(p.StateEntryKey, p))), 1, 1);
}
