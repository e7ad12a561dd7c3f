using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Keys;
using Homeserver.Host.Tests.Support;
using Homeserver.Http;
using Npgsql;

namespace Homeserver.Host.Tests.Sync;

/// <summary>
/// One user's input cannot break another's /sync: JSON with a lone surrogate escape is refused where it enters, and
/// such text already stored (written before the rule, or around the API) is left out of /sync rather than failing it
/// mid-response. Postgres keeps JSON text of to-device messages and account data in <c>text</c> columns, which hold
/// <c>\ud800</c> as six ASCII characters; room events cannot hold one (their search index casts to <c>jsonb</c>).
/// </summary>
public sealed class UnservableStoredDataTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private const string LoneSurrogate = """{"x": "\ud800"}""";

    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task A_to_device_message_with_a_lone_surrogate_is_400_and_the_recipients_sync_stays_200()
    {
        var alice = await Server.RegisterAsync();
        var carol = await Server.RegisterAsync();
        var body = "{\"messages\": {\"" + carol.UserId + "\": {\"*\": " + LoneSurrogate + "}}}";

        var response = await alice.Client.PutAsync("/_matrix/client/v3/sendToDevice/m.x/t1", Json(body));

        await MatrixAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "M_BAD_JSON");
        Assert.Empty((await carol.SyncAsync()).ToDeviceEvents());
    }

    [Fact]
    public async Task Account_data_with_a_lone_surrogate_is_400_and_the_owners_sync_stays_200()
    {
        var alice = await Server.RegisterAsync();

        var response = await alice.Client.PutAsync(
            $"/_matrix/client/v3/user/{RoomSteps.Escape(alice.UserId)}/account_data/m.x", Json(LoneSurrogate));

        await MatrixAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "M_BAD_JSON");
        await alice.SyncAsync();
    }

    [Fact]
    public async Task A_room_event_with_a_lone_surrogate_is_400_not_500()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();

        var response = await alice.Client.PutAsync(
            $"/_matrix/client/v3/rooms/{RoomSteps.Escape(roomId)}/send/m.room.message/s1",
            Json("""{"msgtype": "m.text", "body": "\udc00"}"""));

        await MatrixAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "M_BAD_JSON");
    }

    [Fact]
    public async Task Content_nested_deeper_than_responses_carry_is_400_and_content_at_the_limit_reaches_room_mates()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var roomId = await alice.SharedRoomAsync(bob);
        var path = $"/_matrix/client/v3/rooms/{RoomSteps.Escape(roomId)}/state/m.deep/";

        var tooDeep = await alice.Client.PutAsync(path, Json(Nested(60, 0)));
        await MatrixAssert.OkAsync(await alice.Client.PutAsync(path, Json(Nested(JsonBody.MaxDepth, 1))));
        await MatrixAssert.OkAsync(await alice.Client.PutAsync(path, Json(Nested(JsonBody.MaxDepth, 2))));

        await MatrixAssert.ErrorAsync(tooDeep, HttpStatusCode.BadRequest, "M_BAD_JSON");
        var timeline = (await bob.SyncAsync()).Room("join", roomId)!.Value.GetProperty("timeline").GetProperty("events");
        Assert.Contains(timeline.EnumerateArray(), e => e.GetProperty("type").GetString() == "m.deep" &&
                                                        e.GetProperty("content").GetProperty("n").GetInt32() == 2);
    }

    [Fact]
    public async Task A_stored_event_nested_deeper_than_responses_carry_is_served_pruned_and_room_mates_sync()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var roomId = await alice.SharedRoomAsync(bob);
        var eventId = await alice.SendTextAsync(roomId, "deep");
        // 60 levels: what bodies could nest before the edge's limit, and deeper than a /sync response can carry.
        await using (var connection = new NpgsqlConnection(Server.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("""
                UPDATE events SET json = jsonb_set(json::jsonb, '{content,x}', @deep::jsonb)::text WHERE event_id = @id
                """, connection);
            command.Parameters.AddWithValue("id", eventId);
            command.Parameters.AddWithValue("deep", Nested(60, 0));
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        var sync = await bob.Client.GetAsync("/_matrix/client/v3/sync");
        var messages = await bob.Client.GetAsync(
            $"/_matrix/client/v3/rooms/{RoomSteps.Escape(roomId)}/messages?dir=b&limit=10");

        // Read raw: a pruned m.room.message lacks the body and msgtype the schema asks of unredacted ones.
        await MatrixAssert.OkAsync(messages);
        var timeline = (await MatrixAssert.OkAsync(sync)).GetProperty("rooms").GetProperty("join").GetProperty(roomId)
            .GetProperty("timeline").GetProperty("events");
        var served = Assert.Single(timeline.EnumerateArray(), e => e.GetProperty("event_id").GetString() == eventId);
        Assert.Empty(served.GetProperty("content").EnumerateObject());
    }

    [Fact]
    public async Task A_stored_to_device_message_that_cannot_be_served_is_left_out_and_then_acknowledged()
    {
        var alice = await Server.RegisterAsync();
        var carol = await Server.RegisterAsync();
        var start = (await carol.SyncAsync()).NextBatch();
        await alice.SendToDeviceAsync(carol.UserId, carol.DeviceId, new JsonObject { ["n"] = 1 });
        await InsertToDeviceAsync(carol, alice.UserId, LoneSurrogate);
        await alice.SendToDeviceAsync(carol.UserId, carol.DeviceId, new JsonObject { ["n"] = 2 });

        var sync = await carol.SyncAsync(since: start);

        Assert.Equal([1, 2], sync.Numbers());
        Assert.Empty((await carol.SyncAsync(since: sync.NextBatch())).ToDeviceEvents());
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM to_device_inbox WHERE user_id = @u", carol.UserId));
    }

    [Fact]
    public async Task Stored_account_data_that_cannot_be_served_is_left_out_of_sync()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        await MatrixAssert.OkAsync(await alice.Client.PutAsync(
            $"/_matrix/client/v3/user/{RoomSteps.Escape(alice.UserId)}/account_data/m.good", Json("""{"ok": 1}""")));
        await InsertAccountDataAsync(alice, "", "m.bad", LoneSurrogate);
        await InsertAccountDataAsync(alice, roomId, "m.bad", LoneSurrogate);
        await InsertAccountDataAsync(alice, "", "m.ignored_user_list", """{"ignored_users": {"\ud800": {}}}""");

        var sync = await alice.SyncAsync();

        var global = sync.GetProperty("account_data").GetProperty("events").EnumerateArray()
            .Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Contains("m.good", global);
        Assert.DoesNotContain("m.bad", global);
        Assert.DoesNotContain("m.ignored_user_list", global);
        var room = sync.Room("join", roomId)!.Value.GetProperty("account_data").GetProperty("events");
        Assert.Equal(0, room.GetArrayLength());
    }

    [Fact]
    public async Task Stored_account_data_nested_deeper_than_the_edge_allows_is_left_out_of_sync()
    {
        var alice = await Server.RegisterAsync();
        await InsertAccountDataAsync(alice, "", "m.deep", Nested(62, 1));
        await InsertAccountDataAsync(alice, "", "m.shallow", Nested(JsonBody.MaxDepth, 2));

        var sync = await alice.SyncAsync();

        var global = sync.GetProperty("account_data").GetProperty("events").EnumerateArray()
            .Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.DoesNotContain("m.deep", global);
        Assert.Contains("m.shallow", global);
    }

    [Fact]
    public async Task An_ignored_user_list_that_is_not_json_does_not_fail_another_users_invite()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        await InsertAccountDataAsync(bob, "", "m.ignored_user_list", "not json");

        await alice.InviteAsync(roomId, bob.UserId);

        Assert.NotNull((await bob.SyncAsync()).Room("invite", roomId));
    }

    [Theory]
    [InlineData("""{"content": {"body": "\ud800"}}""", "22P02")] // invalid input syntax for type json
    [InlineData("""{"content": {"body": "\u0000"}}""", "22P05")] // untranslatable character
    public async Task Postgres_refuses_room_events_that_could_not_be_served(string json, string sqlState)
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        await using var connection = new NpgsqlConnection(Server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            INSERT INTO events (event_id, room_id, depth, type, sender, origin_server_ts, json)
            VALUES ('$bad', @r, 99, 'm.room.message', @s, 0, @j)
            """, connection);
        command.Parameters.AddWithValue("r", roomId);
        command.Parameters.AddWithValue("s", alice.UserId);
        command.Parameters.AddWithValue("j", json);

        var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());

        Assert.Equal(sqlState, error.SqlState);
    }

    private async Task InsertToDeviceAsync(TestSession recipient, string sender, string content)
    {
        await using var connection = new NpgsqlConnection(Server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            WITH next AS (UPDATE to_device_stream SET position = position + 1 RETURNING position)
            INSERT INTO to_device_inbox (user_id, device_id, stream_id, sender, type, content)
            SELECT @u, @d, position, @s, 'm.test', @c FROM next
            """, connection);
        command.Parameters.AddWithValue("u", recipient.UserId);
        command.Parameters.AddWithValue("d", recipient.DeviceId);
        command.Parameters.AddWithValue("s", sender);
        command.Parameters.AddWithValue("c", content);
        await command.ExecuteNonQueryAsync();
    }

    private async Task InsertAccountDataAsync(TestSession owner, string roomId, string type, string content)
    {
        await using var connection = new NpgsqlConnection(Server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            INSERT INTO account_data (user_id, room_id, type, content, stream_id)
            VALUES (@u, @r, @t, @c, nextval('account_data_stream_seq'))
            """, connection);
        command.Parameters.AddWithValue("u", owner.UserId);
        command.Parameters.AddWithValue("r", roomId);
        command.Parameters.AddWithValue("t", type);
        command.Parameters.AddWithValue("c", content);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<long> ScalarAsync(string sql, string user)
    {
        await using var connection = new NpgsqlConnection(Server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("u", user);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>An object nested <paramref name="depth"/> levels deep (itself included).</summary>
    private static string Nested(int depth, int n) =>
        "{\"n\": " + n + ", \"x\": " + new string('[', depth - 1) + new string(']', depth - 1) + "}";
}
