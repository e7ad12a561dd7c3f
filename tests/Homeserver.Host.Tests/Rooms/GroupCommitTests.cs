using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using Npgsql;

namespace Homeserver.Host.Tests.Rooms;

/// <summary>Sends into many rooms at once share commits (group commit) without one refused send failing others.</summary>
public sealed class GroupCommitTests
{
    private const int Rooms = 40;

    [Fact]
    public async Task Concurrent_sends_to_many_rooms_share_commits_and_a_refused_send_fails_alone()
    {
        await using var server = await LiveServer.StartAsync();
        var alice = await server.RegisterAsync();
        var outsider = await server.RegisterAsync();
        var rooms = new List<string>();
        for (var i = 0; i < Rooms; i++)
        {
            rooms.Add(await alice.CreateRoomAsync());
        }

        var sends = rooms.Select((room, i) => alice.SendTextAsync(room, $"message {i}")).ToList();
        var refused = outsider.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/rooms/{RoomSteps.Escape(rooms[0])}/send/m.room.message/refused",
            new JsonObject { ["msgtype"] = "m.text", ["body"] = "not a member" });
        var eventIds = await Task.WhenAll(sends);

        await MatrixAssert.ErrorAsync(await refused, HttpStatusCode.Forbidden, "M_FORBIDDEN");
        for (var i = 0; i < Rooms; i++)
        {
            var events = await alice.MessageListAsync(rooms[i], limit: 1);
            Assert.Equal([$"message {i}"], events.Select(e => e.GetProperty("content").GetProperty("body").GetString()));
        }

        // Rows written by one transaction share its xmin: fewer transactions than sends means commits were shared.
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(DISTINCT xmin::text) FROM events WHERE event_id = ANY(@ids)", connection);
        command.Parameters.AddWithValue("ids", eventIds);
        var transactions = (long)(await command.ExecuteScalarAsync())!;
        Assert.InRange(transactions, 1, Rooms - 1);
    }

    [Fact]
    public async Task Concurrent_joins_and_sends_to_one_room_share_commits_and_keep_one_linear_dag()
    {
        await using var server = await LiveServer.StartAsync();
        var alice = await server.RegisterAsync();
        var room = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        var joiners = new List<TestSession>();
        for (var i = 0; i < 20; i++)
        {
            joiners.Add(await server.RegisterAsync());
        }

        await Task.WhenAll(joiners.Select(j => j.JoinAsync(room)));
        var sent = await Task.WhenAll(joiners.Select((j, i) => j.SendTextAsync(room, $"hello {i}")));

        var members = await alice.GetJsonAsync($"/_matrix/client/v3/rooms/{RoomSteps.Escape(room)}/joined_members");
        Assert.Equal(21, members.GetProperty("joined").EnumerateObject().Count());
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using (var extremities = new NpgsqlCommand(
            "SELECT count(*) FROM forward_extremities WHERE room_id = @room", connection))
        {
            extremities.Parameters.AddWithValue("room", room);
            Assert.Equal(1L, await extremities.ExecuteScalarAsync());
        }

        // Each event's prev_events is the one event before it: a single chain, no forks.
        await using (var forks = new NpgsqlCommand("""
            SELECT count(*) FROM event_edges e JOIN events ev ON ev.event_id = e.event_id
            WHERE ev.room_id = @room GROUP BY e.prev_event_id HAVING count(*) > 1
            """, connection))
        {
            forks.Parameters.AddWithValue("room", room);
            Assert.Null(await forks.ExecuteScalarAsync());
        }

        await using var command = new NpgsqlCommand(
            "SELECT count(DISTINCT xmin::text) FROM events WHERE event_id = ANY(@ids)", connection);
        command.Parameters.AddWithValue("ids", sent);
        Assert.InRange((long)(await command.ExecuteScalarAsync())!, 1, sent.Length - 1);
    }
}
