using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Sync;

/// <summary>POST/GET /user/{userId}/filter and filters given to /sync by ID or inline.</summary>
public sealed class FilterTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    private static string FilterPath(string userId) => $"/_matrix/client/v3/user/{Uri.EscapeDataString(userId)}/filter";

    [Fact]
    public async Task An_uploaded_filter_is_returned_as_uploaded_by_its_id()
    {
        var alice = await Server.RegisterAsync();
        var filter = new JsonObject { ["room"] = new JsonObject { ["timeline"] = new JsonObject { ["limit"] = 3 } } };
        var created = await MatrixAssert.OkAsync(await alice.Client.PostAsJsonAsync(FilterPath(alice.UserId), filter));
        var id = created.GetProperty("filter_id").GetString()!;
        var got = await MatrixAssert.OkAsync(await alice.Client.GetAsync(FilterPath(alice.UserId) + "/" + id));
        Assert.Equal(3, got.GetProperty("room").GetProperty("timeline").GetProperty("limit").GetInt32());
    }

    [Fact]
    public async Task Filters_of_other_users_can_be_neither_created_nor_read()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var id = (await MatrixAssert.OkAsync(await alice.Client.PostAsJsonAsync(FilterPath(alice.UserId),
            new JsonObject()))).GetProperty("filter_id").GetString()!;
        await MatrixAssert.ErrorAsync(await bob.Client.PostAsJsonAsync(FilterPath(alice.UserId), new JsonObject()),
            HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await bob.Client.GetAsync(FilterPath(alice.UserId) + "/" + id),
            HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await bob.Client.GetAsync(FilterPath(bob.UserId) + "/" + id),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task Unknown_filter_ids_are_not_found()
    {
        var alice = await Server.RegisterAsync();
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync(FilterPath(alice.UserId) + "/999999"),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync(FilterPath(alice.UserId) + "/abc"),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync("/_matrix/client/v3/sync?filter=999999"),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Theory]
    [InlineData("""{"room": {"timeline": {"limit": "ten"}}}""")]
    [InlineData("""{"room": {"timeline": {"limit": 0}}}""")]
    [InlineData("""{"room": {"rooms": "!a:b"}}""")]
    [InlineData("""{"room": {"state": {"types": [1]}}}""")]
    [InlineData("""{"room": {"include_leave": "yes"}}""")]
    [InlineData("""{"event_format": "xml"}""")]
    [InlineData("""{"account_data": []}""")]
    public async Task Invalid_filters_are_rejected_as_bad_json(string filter)
    {
        var alice = await Server.RegisterAsync();
        await MatrixAssert.ErrorAsync(await alice.Client.PostAsync(FilterPath(alice.UserId),
            new StringContent(filter, System.Text.Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest, "M_BAD_JSON");
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync("/_matrix/client/v3/sync?filter=" +
            RoomSteps.Escape(filter)), HttpStatusCode.BadRequest, "M_BAD_JSON");
    }

    [Fact]
    public async Task A_stored_filter_by_id_and_the_same_filter_inline_limit_the_timeline_alike()
    {
        var alice = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync();
        for (var i = 0; i < 4; i++)
        {
            await alice.SendTextAsync(room, $"m{i}");
        }

        const string filter = """{"room": {"timeline": {"limit": 2, "types": ["m.room.message"]}}}""";
        var id = (await MatrixAssert.OkAsync(await alice.Client.PostAsync(FilterPath(alice.UserId),
            new StringContent(filter, System.Text.Encoding.UTF8, "application/json")))).GetProperty("filter_id").GetString()!;
        foreach (var given in new[] { id, filter })
        {
            var joined = (await alice.SyncAsync(filter: given)).Room("join", room)!.Value;
            Assert.Equal(["m2", "m3"], joined.Timeline().Bodies());
            Assert.True(joined.GetProperty("timeline").GetProperty("limited").GetBoolean());
        }
    }

    [Fact]
    public async Task Room_filters_leave_out_rooms_not_listed_and_rooms_excluded()
    {
        var alice = await Server.RegisterAsync();
        var first = await alice.CreateRoomAsync();
        var second = await alice.CreateRoomAsync();
        var only = await alice.SyncAsync(filter: $"{{\"room\": {{\"rooms\": [\"{first}\"]}}}}");
        Assert.NotNull(only.Room("join", first));
        Assert.Null(only.Room("join", second));
        var not = await alice.SyncAsync(filter: $"{{\"room\": {{\"not_rooms\": [\"{first}\"]}}}}");
        Assert.Null(not.Room("join", first));
        Assert.NotNull(not.Room("join", second));
    }
}
