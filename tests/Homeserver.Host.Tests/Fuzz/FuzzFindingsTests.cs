using System.Net;
using System.Text;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Fuzz;

/// <summary>Inputs the spec fuzzer (SpecFuzzTests, <c>homeserver-bench fuzz</c>) answered with a 500, each kept as a case.</summary>
public sealed class FuzzFindingsTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private const string V3 = "/_matrix/client/v3";

    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task Account_data_nested_deeper_than_bodies_may_be_is_refused_and_sync_keeps_answering()
    {
        var alice = await Server.RegisterAsync();

        var response = await PutJsonAsync(alice, $"{V3}/user/{Esc(alice.UserId)}/account_data/org.fuzz.deep", Nested(60));

        await MatrixAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "M_BAD_JSON");
        await MatrixAssert.OkAsync(await alice.Client.GetAsync($"{V3}/sync?timeout=0"));
    }

    [Fact]
    public async Task Event_content_nested_deeper_than_bodies_may_be_is_400_M_BAD_JSON()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();

        var send = await PutJsonAsync(alice, $"{V3}/rooms/{Esc(roomId)}/send/m.room.message/deep1", Nested(63));
        var state = await PutJsonAsync(alice, $"{V3}/rooms/{Esc(roomId)}/state/org.fuzz.deep/", Nested(70));

        await MatrixAssert.ErrorAsync(send, HttpStatusCode.BadRequest, "M_BAD_JSON");
        await MatrixAssert.ErrorAsync(state, HttpStatusCode.BadRequest, "M_BAD_JSON");
        await MatrixAssert.OkAsync(await alice.Client.GetAsync($"{V3}/sync?timeout=0"));
    }

    [Fact]
    public async Task Bodies_as_deep_as_allowed_are_stored_and_served_by_sync_search_and_context()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        var deepest = Nested(48, """ "body": "deepest", "msgtype": "m.text", """);

        await MatrixAssert.OkAsync(await PutJsonAsync(alice, $"{V3}/user/{Esc(alice.UserId)}/account_data/org.fuzz.deep", deepest));
        await MatrixAssert.OkAsync(await PutJsonAsync(alice,
            $"{V3}/user/{Esc(alice.UserId)}/rooms/{Esc(roomId)}/account_data/org.fuzz.deep", deepest));
        var sent = await MatrixAssert.OkAsync(await PutJsonAsync(alice, $"{V3}/rooms/{Esc(roomId)}/send/m.room.message/d48", deepest));
        var eventId = sent.GetProperty("event_id").GetString()!;
        await alice.RelateAsync(roomId, eventId, "m.thread");

        var sync = await MatrixAssert.OkAsync(await alice.Client.GetAsync($"{V3}/sync?timeout=0"));
        Assert.Contains(eventId, sync.GetRawText(), StringComparison.Ordinal);
        await MatrixAssert.OkAsync(await alice.Client.GetAsync($"{V3}/rooms/{Esc(roomId)}/context/{Esc(eventId)}"));
        await MatrixAssert.OkAsync(await alice.Client.GetAsync($"{V3}/rooms/{Esc(roomId)}/messages?dir=b"));
        await MatrixAssert.OkAsync(await alice.Client.PostAsync($"{V3}/search", Json(
            """{"search_categories":{"room_events":{"search_term":"deepest","event_context":{"before_limit":1}}}}""")));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"10\"")]
    [InlineData("{}")]
    public async Task Search_with_a_filter_limit_that_is_not_a_number_is_400_M_BAD_JSON(string limit)
    {
        var alice = await Server.RegisterAsync();
        await alice.CreateRoomAsync();

        var response = await alice.Client.PostAsync($"{V3}/search", Json(
            """{"search_categories":{"room_events":{"search_term":"x","filter":{"limit":""" + limit + "}}}}"));

        await MatrixAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "M_BAD_JSON");
    }

    [Fact]
    public async Task Search_with_an_event_context_limit_that_is_not_a_number_is_400_M_BAD_JSON()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        await alice.SendTextAsync(roomId, "findme");

        var response = await alice.Client.PostAsync($"{V3}/search", Json(
            """{"search_categories":{"room_events":{"search_term":"findme","event_context":{"after_limit":"2"}}}}"""));

        await MatrixAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "M_BAD_JSON");
    }

    [Theory]
    [InlineData("1")]
    [InlineData("[\"m.login.password\"]")]
    public async Task Uia_auth_whose_type_is_not_a_string_is_400_M_BAD_JSON(string type)
    {
        var alice = await Server.RegisterAsync();
        var challenge = await alice.Client.PostAsync($"{V3}/delete_devices", Json("""{"devices":[]}"""));
        var session = (await SpecBody(challenge)).GetProperty("session").GetString();

        var response = await alice.Client.PostAsync($"{V3}/delete_devices",
            Json($$$"""{"devices":[],"auth":{"type":{{{type}}},"session":"{{{session}}}"}}"""));

        await MatrixAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "M_BAD_JSON");
    }

    [Fact]
    public async Task Sync_with_a_timeout_past_what_a_TimeSpan_holds_still_answers()
    {
        var alice = await Server.RegisterAsync();

        await MatrixAssert.OkAsync(await alice.Client.GetAsync($"{V3}/sync?timeout={long.MaxValue}"));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("[\"client\"]")]
    public async Task A_filter_whose_event_format_is_not_a_string_is_400_M_BAD_JSON(string format)
    {
        var alice = await Server.RegisterAsync();

        var response = await alice.Client.PostAsync($"{V3}/user/{Esc(alice.UserId)}/filter",
            Json("""{"event_format":""" + format + "}"));
        var inline = await alice.Client.GetAsync(
            $"{V3}/sync?timeout=0&filter={Esc("""{"event_format":""" + format + "}")}");

        await MatrixAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "M_BAD_JSON");
        await MatrixAssert.ErrorAsync(inline, HttpStatusCode.BadRequest, "M_BAD_JSON");
    }

    private static async Task<System.Text.Json.JsonElement> SpecBody(HttpResponseMessage response) =>
        System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    private static Task<HttpResponseMessage> PutJsonAsync(TestSession session, string path, string body) =>
        session.Client.PutAsync(path, Json(body));

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    /// <summary>A JSON object nested <paramref name="depth"/> levels deep (the outermost object counts as one).</summary>
    private static string Nested(int depth, string outerFields = "")
    {
        var text = new StringBuilder("{" + outerFields);
        for (var i = 1; i < depth; i++)
        {
            text.Append("\"a\":{");
        }

        text.Append("\"leaf\":1");
        text.Append('}', depth);
        return text.ToString();
    }

    private static string Esc(string value) => Uri.EscapeDataString(value);
}
