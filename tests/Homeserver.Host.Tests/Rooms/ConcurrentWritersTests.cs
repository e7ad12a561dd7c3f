using Homeserver.Host.Tests.Support;
using Npgsql;

namespace Homeserver.Host.Tests.Rooms;

/// <summary>Two server processes on one database writing into one room: one linear DAG, one stream order, nothing lost.</summary>
public sealed class ConcurrentWritersTests
{
    [Fact]
    public async Task Two_servers_sending_into_one_room_at_once_keep_a_single_consistent_dag()
    {
        await using var first = await LiveServer.StartAsync();
        await using var second = await LiveServer.StartAsync(first.ConnectionString);
        var alice = await first.RegisterAsync();
        var bob = await first.RegisterAsync();
        var roomId = await alice.CreateRoomAsync(new System.Text.Json.Nodes.JsonObject { ["preset"] = "public_chat" });
        await MatrixAssert.OkAsync(await bob.PostRoomAsync(roomId, "join"));
        var bobOnSecond = bob with { Client = second.NewClient(bob.AccessToken) };
        var aliceOnSecond = alice with { Client = second.NewClient(alice.AccessToken) };

        var sends = new List<Task<string>>();
        for (var i = 0; i < 25; i++)
        {
            sends.Add(alice.SendTextAsync(roomId, $"a1-{i}"));
            sends.Add(bobOnSecond.SendTextAsync(roomId, $"b2-{i}"));
            sends.Add(aliceOnSecond.SendTextAsync(roomId, $"a2-{i}"));
            sends.Add(bob.SendTextAsync(roomId, $"b1-{i}"));
        }

        var sent = await Task.WhenAll(sends);

        await using var connection = new NpgsqlConnection(first.ConnectionString);
        await connection.OpenAsync();
        var events = new List<(string Id, long Stream, long Depth, string[] Prev)>();
        await using (var command = new NpgsqlCommand("""
            SELECT e.event_id, e.stream_ordering, e.depth,
                   ARRAY(SELECT prev_event_id FROM event_edges x WHERE x.event_id = e.event_id)
            FROM events e WHERE e.room_id = @room ORDER BY e.stream_ordering
            """, connection))
        {
            command.Parameters.AddWithValue("room", roomId);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                events.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), await reader.GetFieldValueAsync<string[]>(3)));
            }
        }

        Assert.Equal(100, sent.Distinct().Count());
        Assert.Subset(events.Select(e => e.Id).ToHashSet(), sent.ToHashSet());
        // Writes to the room were serialised: each event follows the one before it in stream order.
        for (var i = 1; i < events.Count; i++)
        {
            Assert.Equal([events[i - 1].Id], events[i].Prev);
            Assert.Equal(events[i - 1].Depth + 1, events[i].Depth);
        }

        await using var extremities = new NpgsqlCommand("SELECT count(*) FROM forward_extremities WHERE room_id = @room", connection);
        extremities.Parameters.AddWithValue("room", roomId);
        Assert.Equal(1L, await extremities.ExecuteScalarAsync());
        var seenByBoth = await alice.MessageListAsync(roomId, limit: 200);
        Assert.Equal(events.Select(e => e.Id).Reverse(), seenByBoth.Select(e => e.GetProperty("event_id").GetString()));
    }
}
