using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Homeserver.Host.Tests.Support;
using Npgsql;
using static Homeserver.Host.Tests.Support.RoomSteps;

namespace Homeserver.Host.Tests.Rooms;

/// <summary>POST /rooms/{roomId}/report/{eventId} and POST /rooms/{roomId}/report.</summary>
public sealed class ReportTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    private static string EventPath(string roomId, string eventId) =>
        $"/_matrix/client/v3/rooms/{Escape(roomId)}/report/{Escape(eventId)}";

    private static string RoomPath(string roomId) => $"/_matrix/client/v3/rooms/{Escape(roomId)}/report";

    private async Task<List<(string? EventId, string Reporter, string? Reason, int? Score)>> ReportsAsync(string roomId)
    {
        await using var connection = new NpgsqlConnection(Server.ConnectionString);
        return (await connection.QueryAsync<(string?, string, string?, int?)>(
            "SELECT event_id, reporter, reason, score FROM reports WHERE room_id = @roomId ORDER BY id",
            new { roomId })).ToList();
    }

    [Fact]
    public async Task A_member_reporting_an_event_stores_the_report_with_reason_and_score()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var roomId = await alice.SharedRoomAsync(bob);
        var eventId = await alice.SendTextAsync(roomId, "offensive");

        var body = await MatrixAssert.OkAsync(await bob.Client.PostAsJsonAsync(EventPath(roomId, eventId),
            new JsonObject { ["reason"] = "spam", ["score"] = -100 }));

        Assert.Empty(body.EnumerateObject());
        Assert.Equal([(eventId, bob.UserId, "spam", -100)], (await ReportsAsync(roomId)).Select(r => (r.EventId, r.Reporter, r.Reason, r.Score)));
    }

    [Fact]
    public async Task Reporting_unknown_redacted_or_other_rooms_events_or_from_outside_the_room_is_M_NOT_FOUND()
    {
        var alice = await Server.RegisterAsync();
        var eve = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        var otherRoom = await alice.CreateRoomAsync();
        var eventId = await alice.SendTextAsync(roomId, "hello");
        var redacted = await alice.SendTextAsync(roomId, "gone");
        await alice.RedactAsync(roomId, redacted);
        var empty = new JsonObject { ["reason"] = "x" };

        await MatrixAssert.ErrorAsync(await alice.Client.PostAsJsonAsync(EventPath(roomId, "$nope"), empty),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await alice.Client.PostAsJsonAsync(EventPath(otherRoom, eventId), empty),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await alice.Client.PostAsJsonAsync(EventPath(roomId, redacted), empty),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await eve.Client.PostAsJsonAsync(EventPath(roomId, eventId), empty),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
        Assert.Empty(await ReportsAsync(roomId));
    }

    [Fact]
    public async Task A_score_outside_minus_100_to_0_is_M_INVALID_PARAM()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        var eventId = await alice.SendTextAsync(roomId, "hello");

        await MatrixAssert.ErrorAsync(await alice.Client.PostAsJsonAsync(EventPath(roomId, eventId),
            new JsonObject { ["score"] = 5 }), HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        Assert.Empty(await ReportsAsync(roomId));
    }

    [Fact]
    public async Task Anyone_may_report_an_existing_room_and_an_unknown_room_is_M_NOT_FOUND()
    {
        var alice = await Server.RegisterAsync();
        var eve = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();

        await MatrixAssert.OkAsync(await eve.Client.PostAsJsonAsync(RoomPath(roomId), new JsonObject { ["reason"] = "" }));
        await MatrixAssert.ErrorAsync(await eve.Client.PostAsJsonAsync(RoomPath("!unknown:localhost"),
            new JsonObject { ["reason"] = "x" }), HttpStatusCode.NotFound, "M_NOT_FOUND");

        Assert.Equal([(null, eve.UserId, "")], (await ReportsAsync(roomId)).Select(r => (r.EventId, r.Reporter, r.Reason)));
    }

    [Fact]
    public async Task A_room_report_without_a_reason_is_M_BAD_JSON()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();

        await MatrixAssert.ErrorAsync(await alice.Client.PostAsJsonAsync(RoomPath(roomId), new JsonObject()),
            HttpStatusCode.BadRequest, "M_BAD_JSON");
    }
}
