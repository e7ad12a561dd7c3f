using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using Npgsql;

namespace Homeserver.Host.Tests.Rooms;

/// <summary>Bad input never half-writes: refused events leave no trace.</summary>
public sealed class BadInputTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task An_event_over_65536_bytes_is_413_M_TOO_LARGE_and_not_stored()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        var before = await EventCountAsync(roomId);

        var response = await alice.TrySendAsync(roomId, "m.room.message",
            new JsonObject { ["msgtype"] = "m.text", ["body"] = new string('x', 70_000) });

        await MatrixAssert.ErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "M_TOO_LARGE");
        Assert.Equal(before, await EventCountAsync(roomId));
    }

    [Fact]
    public async Task Floats_in_content_are_400_M_BAD_JSON()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();

        var response = await alice.Client.PutAsync(
            $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/send/m.room.message/f1",
            new StringContent("""{"msgtype": "m.text", "body": "pi", "value": 3.14}""", Encoding.UTF8, "application/json"));

        await MatrixAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "M_BAD_JSON");
    }

    [Fact]
    public async Task A_state_key_over_255_bytes_is_400_M_BAD_JSON()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();

        var response = await alice.TrySetStateAsync(roomId, "org.example.thing", new string('k', 256), new JsonObject());

        await MatrixAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "M_BAD_JSON");
    }

    [Fact]
    public async Task An_event_type_over_255_bytes_is_400_M_BAD_JSON()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();

        var response = await alice.TrySendAsync(roomId, new string('t', 256), new JsonObject());

        await MatrixAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "M_BAD_JSON");
    }

    [Theory]
    [InlineData("""{"initial_state": [{"type": 5, "content": {}}]}""")]
    [InlineData("""{"invite": "@bob:test.local"}""")]
    [InlineData("""{"preset": "party"}""")]
    [InlineData("""{"name": ["not", "a", "string"]}""")]
    public async Task Malformed_create_room_requests_are_400_M_BAD_JSON(string body)
    {
        var alice = await Server.RegisterAsync();

        var response = await alice.Client.PostAsync("/_matrix/client/v3/createRoom",
            new StringContent(body, Encoding.UTF8, "application/json"));

        await MatrixAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "M_BAD_JSON");
        var rooms = await MatrixAssert.OkAsync(await alice.Client.GetAsync("/_matrix/client/v3/joined_rooms"));
        Assert.Equal(0, rooms.GetProperty("joined_rooms").GetArrayLength());
    }

    [Fact]
    public async Task Text_that_is_not_json_is_400_M_NOT_JSON()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();

        var response = await alice.Client.PutAsync(
            $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/send/m.room.message/nj",
            new StringContent("{body: hello", Encoding.UTF8, "application/json"));

        await MatrixAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "M_NOT_JSON");
    }

    private async Task<long> EventCountAsync(string roomId)
    {
        await using var connection = new NpgsqlConnection(Server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM events WHERE room_id = @r", connection);
        command.Parameters.AddWithValue("r", roomId);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
