using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using Homeserver.Host.Tests.Support;
using Npgsql;

namespace Homeserver.Host.Tests.Accounts;

/// <summary>Account data, global and per room: only its user reads and writes it.</summary>
public sealed class AccountDataTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private const string RoomA = "!roomA:localhost";
    private const string RoomB = "!roomB:example.org";
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task Global_account_data_is_returned_exactly_as_stored()
    {
        var session = await Server.RegisterAsync();
        const string content = """{"theme":"dark","sizes":[1,2,3],"nested":{"ünïcode":true}}""";

        await MatrixAssert.OkAsync(await session.Client.PutAsync(GlobalPath(session, "org.example.config"), Json(content)));
        var response = await session.Client.GetAsync(GlobalPath(session, "org.example.config"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        Assert.Equal(content, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Room_account_data_is_kept_apart_from_global_data_and_other_rooms()
    {
        var session = await Server.RegisterAsync();

        await PutAsync(session, GlobalPath(session, "m.tag"), """{"where":"global"}""");
        await PutAsync(session, RoomPath(session, RoomA, "m.tag"), """{"where":"a"}""");
        await PutAsync(session, RoomPath(session, RoomB, "m.tag"), """{"where":"b"}""");

        Assert.Equal("""{"where":"global"}""", await session.Client.GetStringAsync(GlobalPath(session, "m.tag")));
        Assert.Equal("""{"where":"a"}""", await session.Client.GetStringAsync(RoomPath(session, RoomA, "m.tag")));
        Assert.Equal("""{"where":"b"}""", await session.Client.GetStringAsync(RoomPath(session, RoomB, "m.tag")));
    }

    [Fact]
    public async Task Writing_again_replaces_the_content_at_a_later_stream_position()
    {
        var session = await Server.RegisterAsync();
        var other = await Server.RegisterAsync();

        await PutAsync(session, GlobalPath(session, "org.example.a"), """{"v":1}""");
        var first = await StreamIdAsync(session, "", "org.example.a");
        await PutAsync(other, RoomPath(other, RoomA, "org.example.b"), """{"v":1}""");
        var between = await StreamIdAsync(other, RoomA, "org.example.b");
        await PutAsync(session, GlobalPath(session, "org.example.a"), """{"v":2}""");
        var second = await StreamIdAsync(session, "", "org.example.a");

        Assert.Equal("""{"v":2}""", await session.Client.GetStringAsync(GlobalPath(session, "org.example.a")));
        Assert.True(first < between && between < second, $"stream positions {first}, {between}, {second}");
    }

    [Fact]
    public async Task Account_data_never_stored_is_M_NOT_FOUND()
    {
        var session = await Server.RegisterAsync();
        await PutAsync(session, GlobalPath(session, "org.example.only_global"), "{}");

        await MatrixAssert.ErrorAsync(await session.Client.GetAsync(GlobalPath(session, "org.example.missing")),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await session.Client.GetAsync(RoomPath(session, RoomA, "org.example.only_global")),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Another_users_account_data_is_M_FORBIDDEN_to_read_and_write()
    {
        var session = await Server.RegisterAsync();
        var owner = await Server.RegisterAsync();
        await PutAsync(owner, GlobalPath(owner, "org.example.secret"), """{"pin":1234}""");
        await PutAsync(owner, RoomPath(owner, RoomA, "org.example.secret"), """{"pin":1234}""");

        foreach (var path in new[] { GlobalPath(owner, "org.example.secret"), RoomPath(owner, RoomA, "org.example.secret") })
        {
            await MatrixAssert.ErrorAsync(await session.Client.GetAsync(path), HttpStatusCode.Forbidden, "M_FORBIDDEN");
            await MatrixAssert.ErrorAsync(await session.Client.PutAsync(path, Json("""{"pin":0}""")),
                HttpStatusCode.Forbidden, "M_FORBIDDEN");
            Assert.Equal("""{"pin":1234}""", await owner.Client.GetStringAsync(path));
        }
    }

    [Theory]
    [InlineData("m.fully_read")]
    [InlineData("m.push_rules")]
    public async Task Types_the_server_maintains_cannot_be_set_here_405_M_BAD_JSON(string type)
    {
        var session = await Server.RegisterAsync();

        await MatrixAssert.ErrorAsync(await session.Client.PutAsync(GlobalPath(session, type), Json("{}")),
            HttpStatusCode.MethodNotAllowed, "M_BAD_JSON");
        await MatrixAssert.ErrorAsync(await session.Client.PutAsync(RoomPath(session, RoomA, type),
            Json("""{"event_id":"$x"}""")), HttpStatusCode.MethodNotAllowed, "M_BAD_JSON");
    }

    [Fact]
    public async Task An_invalid_room_id_is_M_INVALID_PARAM()
    {
        var session = await Server.RegisterAsync();

        foreach (var room in new[] { "@notaroomid:localhost", "!nodomain", "!:localhost" })
        {
            await MatrixAssert.ErrorAsync(await session.Client.GetAsync(RoomPath(session, room, "m.tag")),
                HttpStatusCode.BadRequest, "M_INVALID_PARAM");
            await MatrixAssert.ErrorAsync(await session.Client.PutAsync(RoomPath(session, room, "m.tag"), Json("{}")),
                HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        }
    }

    [Fact]
    public async Task Content_must_be_a_json_object()
    {
        var session = await Server.RegisterAsync();

        await MatrixAssert.ErrorAsync(await session.Client.PutAsync(GlobalPath(session, "org.example.x"), Json("[1,2]")),
            HttpStatusCode.BadRequest, "M_BAD_JSON");
        await MatrixAssert.ErrorAsync(await session.Client.PutAsync(RoomPath(session, RoomA, "org.example.x"),
            Json("\"text\"")), HttpStatusCode.BadRequest, "M_BAD_JSON");
        await MatrixAssert.ErrorAsync(await session.Client.PutAsync(GlobalPath(session, "org.example.x"), Json("{oops")),
            HttpStatusCode.BadRequest, "M_NOT_JSON");
    }

    [Fact]
    public async Task Guests_and_requests_without_a_token_are_refused_and_r0_paths_answer()
    {
        var session = await Server.RegisterAsync();
        var guest = await Server.RegisterGuestAsync();

        await MatrixAssert.ErrorAsync(await guest.Client.PutAsync(GlobalPath(guest, "org.example.x"), Json("{}")),
            HttpStatusCode.Forbidden, "M_GUEST_ACCESS_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await Server.Anonymous.GetAsync(GlobalPath(session, "org.example.x")),
            HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
        await MatrixAssert.ErrorAsync(await Server.Anonymous.PutAsync(RoomPath(session, RoomA, "org.example.x"),
            Json("{}")), HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");

        var r0 = GlobalPath(session, "org.example.old").Replace("/v3/", "/r0/", StringComparison.Ordinal);
        await MatrixAssert.OkAsync(await session.Client.PutAsync(r0, Json("{}")));
        Assert.Equal("{}", await session.Client.GetStringAsync(r0));
    }

    [Fact]
    public async Task Deactivating_an_account_deletes_its_account_data()
    {
        var session = await Server.RegisterAsync();
        var bystander = await Server.RegisterAsync();
        await PutAsync(session, GlobalPath(session, "m.ignored_user_list"), """{"ignored_users":{}}""");
        await PutAsync(session, RoomPath(session, RoomA, "m.tag"), """{"tags":{}}""");
        await PutAsync(bystander, GlobalPath(bystander, "m.ignored_user_list"), """{"ignored_users":{}}""");

        await MatrixAssert.OkAsync(await session.Client.PostAsJsonAsync("/_matrix/client/v3/account/deactivate",
            new JsonObject
            {
                ["auth"] = new JsonObject
                {
                    ["type"] = "m.login.password",
                    ["identifier"] = new JsonObject { ["type"] = "m.id.user", ["user"] = session.UserId },
                    ["password"] = LiveServer.Password,
                },
            }));

        Assert.Equal(0, await RowCountAsync(session));
        Assert.Equal(1, await RowCountAsync(bystander));
    }

    private static string GlobalPath(TestSession session, string type) =>
        $"/_matrix/client/v3/user/{Uri.EscapeDataString(session.UserId)}/account_data/{Uri.EscapeDataString(type)}";

    private static string RoomPath(TestSession session, string roomId, string type) =>
        $"/_matrix/client/v3/user/{Uri.EscapeDataString(session.UserId)}/rooms/{Uri.EscapeDataString(roomId)}" +
        $"/account_data/{Uri.EscapeDataString(type)}";

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task PutAsync(TestSession session, string path, string content) =>
        await MatrixAssert.OkAsync(await session.Client.PutAsync(path, Json(content)));

    private async Task<long> RowCountAsync(TestSession session)
    {
        await using var connection = new NpgsqlConnection(Server.ConnectionString);
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM account_data WHERE user_id = @userId",
            new { userId = session.UserId });
    }

    private async Task<long> StreamIdAsync(TestSession session, string roomId, string type)
    {
        await using var connection = new NpgsqlConnection(Server.ConnectionString);
        return await connection.ExecuteScalarAsync<long>(
            "SELECT stream_id FROM account_data WHERE user_id = @userId AND room_id = @roomId AND type = @type",
            new { userId = session.UserId, roomId, type });
    }
}
