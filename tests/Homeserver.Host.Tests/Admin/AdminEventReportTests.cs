using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Admin;

/// <summary>/_synapse/admin/v1/event_reports: the reports users made of events, as Synapse lists, shows and (by
/// deleting) resolves them.</summary>
public sealed class AdminEventReportTests(LiveServerFixture fixture) : AdminApiTests(fixture)
{
    private const string Reports = "/_synapse/admin/v1/event_reports";

    private sealed record Scene(TestSession Owner, TestSession Reporter, string RoomId, string EventId);

    /// <summary>A named room where <c>Reporter</c> reports <c>Owner</c>'s message <paramref name="count"/> times.</summary>
    private async Task<Scene> ReportedAsync(int count)
    {
        var owner = await Server.RegisterAsync();
        var reporter = await Server.RegisterAsync();
        var roomId = await owner.CreateRoomAsync(new JsonObject { ["name"] = "Reported room", ["preset"] = "public_chat" });
        await reporter.JoinAsync(roomId);
        var eventId = await owner.SendTextAsync(roomId, "offending words");
        for (var i = 0; i < count; i++)
        {
            await MatrixAssert.OkAsync(await reporter.Client.PostAsJsonAsync(
                $"/_matrix/client/v3/rooms/{RoomSteps.Escape(roomId)}/report/{RoomSteps.Escape(eventId)}",
                new JsonObject { ["reason"] = $"report {i}", ["score"] = -100 + i }));
        }

        return new Scene(owner, reporter, roomId, eventId);
    }

    private static string Filter(Scene scene) => "room_id=" + RoomSteps.Escape(scene.RoomId);

    [Fact]
    public async Task Reports_are_listed_newest_first_with_paging_total_and_a_numeric_next_token()
    {
        var admin = await Server.RegisterAdminAsync();
        var scene = await ReportedAsync(3);

        var first = await MatrixAssert.OkAsync(await admin.Client.GetAsync($"{Reports}?limit=2&{Filter(scene)}"));
        var next = first.GetProperty("next_token");
        var rest = await MatrixAssert.OkAsync(await admin.Client.GetAsync(
            $"{Reports}?limit=2&from={next.GetInt32()}&{Filter(scene)}"));
        var oldestFirst = await MatrixAssert.OkAsync(await admin.Client.GetAsync($"{Reports}?dir=f&{Filter(scene)}"));

        Assert.Equal(JsonValueKind.Number, next.ValueKind);
        Assert.Equal(2, next.GetInt32());
        Assert.Equal(3, first.GetProperty("total").GetInt32());
        Assert.Equal(["report 2", "report 1"], Reasons(first));
        Assert.Equal(["report 0"], Reasons(rest));
        Assert.False(rest.TryGetProperty("next_token", out _));
        Assert.Equal(["report 0", "report 1", "report 2"], Reasons(oldestFirst));
        var report = first.GetProperty("event_reports")[0];
        Assert.Equal(scene.EventId, report.GetProperty("event_id").GetString());
        Assert.Equal(scene.Reporter.UserId, report.GetProperty("user_id").GetString());
        Assert.Equal(scene.Owner.UserId, report.GetProperty("sender").GetString());
        Assert.Equal("Reported room", report.GetProperty("name").GetString());
        Assert.Equal(-98, report.GetProperty("score").GetInt32());
        Assert.True(report.GetProperty("received_ts").GetInt64() > 0);
        await AdminAuditTrail.AssertLastCallAsync(Server, admin.UserId, "GET", "/_synapse/admin/v1/event_reports", 200);
    }

    [Fact]
    public async Task Reports_are_filtered_by_reporter_and_by_the_reported_events_sender()
    {
        var admin = await Server.RegisterAdminAsync();
        var scene = await ReportedAsync(1);
        var other = await ReportedAsync(1);

        var byReporter = await MatrixAssert.OkAsync(await admin.Client.GetAsync(
            $"{Reports}?user_id={RoomSteps.Escape(scene.Reporter.UserId)}"));
        var bySender = await MatrixAssert.OkAsync(await admin.Client.GetAsync(
            $"{Reports}?event_sender_user_id={RoomSteps.Escape(other.Owner.UserId)}"));

        Assert.Equal([scene.EventId], EventIds(byReporter));
        Assert.Equal(1, byReporter.GetProperty("total").GetInt32());
        Assert.Equal([other.EventId], EventIds(bySender));
    }

    [Fact]
    public async Task A_report_is_shown_with_the_event_and_deleting_it_resolves_it()
    {
        var admin = await Server.RegisterAdminAsync();
        var scene = await ReportedAsync(1);
        var listed = await MatrixAssert.OkAsync(await admin.Client.GetAsync($"{Reports}?{Filter(scene)}"));
        var id = listed.GetProperty("event_reports")[0].GetProperty("id").GetInt64().ToString(
            System.Globalization.CultureInfo.InvariantCulture);

        var shown = await MatrixAssert.OkAsync(await admin.Client.GetAsync($"{Reports}/{id}"));
        await AdminAudit.AssertLastAsync(Server, id, admin.UserId, "GET", "/_synapse/admin/v1/event_reports/{reportId}",
            200);
        var deleted = await MatrixAssert.OkAsync(await admin.Client.DeleteAsync($"{Reports}/{id}"));
        await AdminAudit.AssertLastAsync(Server, id, admin.UserId, "DELETE",
            "/_synapse/admin/v1/event_reports/{reportId}", 200);
        var after = await MatrixAssert.OkAsync(await admin.Client.GetAsync($"{Reports}?{Filter(scene)}"));

        Assert.Equal("report 0", shown.GetProperty("reason").GetString());
        Assert.Equal("offending words",
            shown.GetProperty("event_json").GetProperty("content").GetProperty("body").GetString());
        Assert.Equal(scene.RoomId, shown.GetProperty("event_json").GetProperty("room_id").GetString());
        Assert.Empty(deleted.EnumerateObject());
        Assert.Equal(0, after.GetProperty("total").GetInt32());
        var gone = await MatrixAssert.ErrorAsync(await admin.Client.GetAsync($"{Reports}/{id}"),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
        Assert.Equal("Event report not found", gone.GetProperty("error").GetString());
        await MatrixAssert.ErrorAsync(await admin.Client.DeleteAsync($"{Reports}/{id}"), HttpStatusCode.NotFound,
            "M_NOT_FOUND");
    }

    [Theory]
    [InlineData(Reports + "/abc")]
    [InlineData(Reports + "/-1")]
    [InlineData(Reports + "?limit=-1")]
    [InlineData(Reports + "?from=x")]
    [InlineData(Reports + "?dir=up")]
    public async Task Malformed_ids_and_parameters_are_invalid_params(string path)
    {
        var admin = await Server.RegisterAdminAsync();

        await MatrixAssert.ErrorAsync(await admin.Client.GetAsync(path), HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task A_non_admin_is_refused_every_event_report_call_and_audited()
    {
        var user = await Server.RegisterAsync();

        await MatrixAssert.ErrorAsync(await user.Client.GetAsync(Reports), HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await AdminAuditTrail.AssertLastCallAsync(Server, user.UserId, "GET", "/_synapse/admin/v1/event_reports", 403,
            "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await user.Client.GetAsync(Reports + "/1"), HttpStatusCode.Forbidden,
            "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await user.Client.DeleteAsync(Reports + "/1"), HttpStatusCode.Forbidden,
            "M_FORBIDDEN");
        await AdminAuditTrail.AssertLastCallAsync(Server, user.UserId, "DELETE",
            "/_synapse/admin/v1/event_reports/{reportId}", 403, "M_FORBIDDEN");
    }

    private static List<string> Reasons(JsonElement body) =>
        body.GetProperty("event_reports").EnumerateArray().Select(r => r.GetProperty("reason").GetString()!).ToList();

    private static List<string> EventIds(JsonElement body) =>
        body.GetProperty("event_reports").EnumerateArray().Select(r => r.GetProperty("event_id").GetString()!).ToList();
}
