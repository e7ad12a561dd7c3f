using System.Net;
using System.Text;
using Homeserver.Host.Tests.Support;
using static Homeserver.Host.Tests.Support.RoomSteps;

namespace Homeserver.Host.Tests.Rooms;

/// <summary>
/// Text that cannot be stored or served is refused where it enters, on every endpoint: U+0000 and lone surrogates in
/// JSON strings (400 M_BAD_JSON), bytes that are not UTF-8 (400 M_NOT_JSON), %00 in a query string (400
/// M_INVALID_PARAM). Before, each reached Postgres or a JSON writer and answered 500.
/// </summary>
public sealed class BadTextTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private const string Nul = @"a\u0000b";
    private const string LoneSurrogate = @"a\ud800b";

    private LiveServer Server => fixture.Server;

    /// <summary>Method, path ({room}, {user}, {device}, {alias} filled in) and JSON body with {bad} in a string.</summary>
    public static TheoryData<string, string, string> Endpoints => new()
    {
        { "PUT", "/_matrix/client/v3/devices/{device}", """{"display_name": "{bad}"}""" },
        { "POST", "/_matrix/client/v3/rooms/{room}/join", """{"reason": "{bad}"}""" },
        { "POST", "/_matrix/client/v3/join/{room}", """{"reason": "{bad}"}""" },
        { "POST", "/_matrix/client/v3/keys/signatures/upload", """{"{user}": {"{device}": {"x": "{bad}"}}}""" },
        { "PUT", "/_matrix/client/v3/directory/room/{alias}", """{"room_id": "!{bad}:localhost"}""" },
        { "POST", "/_matrix/client/v3/rooms/{room}/report", """{"reason": "{bad}"}""" },
        { "PUT", "/_matrix/client/v3/rooms/{room}/send/m.room.message/t1", """{"msgtype": "m.text", "body": "{bad}"}""" },
        { "PUT", "/_matrix/client/v3/rooms/{room}/state/org.example.thing/k", """{"x": "{bad}"}""" },
        { "PUT", "/_matrix/client/v3/rooms/{room}/state/org.example.thing/k", """{"{bad}": 1}""" },
        { "POST", "/_matrix/client/v3/rooms/{room}/read_markers", """{"m.fully_read": "${bad}"}""" },
        { "POST", "/_matrix/client/v3/rooms/{room}/leave", """{"reason": "{bad}"}""" },
        { "PUT", "/_matrix/client/v3/user/{user}/account_data/org.example.x", """{"x": "{bad}"}""" },
        { "POST", "/_matrix/client/v3/user/{user}/filter", """{"event_fields": ["{bad}"]}""" },
        { "PUT", "/_matrix/client/v3/profile/{user}/displayname", """{"displayname": "{bad}"}""" },
        { "PUT", "/_matrix/client/v3/presence/{user}/status", """{"presence": "online", "status_msg": "{bad}"}""" },
        { "POST", "/_matrix/client/v3/createRoom", """{"name": "{bad}"}""" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task U0000_in_a_json_string_is_400_M_BAD_JSON(string method, string path, string body)
    {
        var (alice, response) = await SendAsync(method, path, body.Replace("{bad}", Nul, StringComparison.Ordinal));

        await MatrixAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "M_BAD_JSON");
        await AssertStillServedAsync(alice);
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task A_lone_surrogate_in_a_json_string_is_400_M_BAD_JSON(string method, string path, string body)
    {
        var (alice, response) = await SendAsync(method, path,
            body.Replace("{bad}", LoneSurrogate, StringComparison.Ordinal));

        await MatrixAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "M_BAD_JSON");
        await AssertStillServedAsync(alice);
    }

    [Theory]
    [InlineData("POST", "/_matrix/client/v3/user/{user}/filter", """{"event_fields": ["{bad}"]}""")]
    [InlineData("PUT", "/_matrix/client/v3/user/{user}/account_data/org.example.x", """{"x": "{bad}"}""")]
    [InlineData("PUT", "/_matrix/client/v3/rooms/{room}/send/m.room.message/t2", """{"msgtype": "m.text", "body": "{bad}"}""")]
    [InlineData("PUT", "/_matrix/client/v3/rooms/{room}/state/org.example.thing/k", """{"x": "{bad}"}""")]
    public async Task Invalid_utf8_in_a_body_is_400_M_NOT_JSON(string method, string path, string body)
    {
        var parts = body.Split("{bad}");
        byte[] bytes = [.. Encoding.UTF8.GetBytes(parts[0]), 0xFF, 0xC3, .. Encoding.UTF8.GetBytes(parts[1])];

        var (alice, response) = await SendAsync(method, path, bytes);

        await MatrixAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "M_NOT_JSON");
        await AssertStillServedAsync(alice);
    }

    [Fact]
    public async Task U0000_in_an_inline_messages_filter_is_400()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();

        var response = await alice.Client.GetAsync(
            $"/_matrix/client/v3/rooms/{Escape(roomId)}/messages?dir=b&filter=" +
            Escape("""{"types": ["m.room.message\u0000"]}"""));

        await MatrixAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task A_lone_surrogate_in_an_inline_sync_filter_is_400_M_BAD_JSON()
    {
        var alice = await Server.RegisterAsync();

        var response = await alice.Client.GetAsync("/_matrix/client/v3/sync?filter=" +
                                                   Escape("""{"room": {"rooms": ["\ud800"]}}"""));

        await MatrixAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "M_BAD_JSON");
    }

    [Fact]
    public async Task Percent_00_in_a_query_string_is_400_M_INVALID_PARAM()
    {
        await using var server = await LiveServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Registration:RequireToken"] = "true",
        });

        var (status, body) = await server.GetAsync(
            "/_matrix/client/v1/register/m.login.registration_token/validity?token=a%00b");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("M_INVALID_PARAM", body.GetProperty("errcode").GetString());
    }

    private Task<(TestSession Alice, HttpResponseMessage Response)> SendAsync(string method, string path, string body) =>
        SendAsync(method, path, Encoding.UTF8.GetBytes(body));

    private async Task<(TestSession Alice, HttpResponseMessage Response)> SendAsync(string method, string path,
        byte[] body)
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        var filled = path.Replace("{room}", Escape(roomId), StringComparison.Ordinal)
            .Replace("{user}", Escape(alice.UserId), StringComparison.Ordinal)
            .Replace("{device}", Escape(alice.DeviceId), StringComparison.Ordinal)
            .Replace("{alias}", Escape($"#{Guid.NewGuid():N}:localhost"), StringComparison.Ordinal);
        var text = Encoding.UTF8.GetString(body).Replace("{user}", alice.UserId, StringComparison.Ordinal)
            .Replace("{device}", alice.DeviceId, StringComparison.Ordinal);
        if (!body.AsSpan().ContainsAny((byte)0xFF, (byte)0xC3))
        {
            body = Encoding.UTF8.GetBytes(text);
        }

        using var request = new HttpRequestMessage(new HttpMethod(method), filled)
        {
            Content = new ByteArrayContent(body) { Headers = { { "Content-Type", "application/json" } } },
        };
        return (alice, await alice.Client.SendAsync(request));
    }

    // Nothing half-written that breaks the user's next sync.
    private static async Task AssertStillServedAsync(TestSession alice) =>
        await MatrixAssert.OkAsync(await alice.Client.GetAsync("/_matrix/client/v3/sync?timeout=0"));
}
