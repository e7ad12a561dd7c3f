using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using Microsoft.Playwright;

namespace Homeserver.Host.Tests.Admin.Page;

/// <summary>
/// The admin page's rooms and event reports in headless Chromium: listing rooms and opening one's members, deleting a
/// room and following the job, a hostile room name shown as text, and resolving an event report.
/// </summary>
[Collection(AdminPageBrowserGroup.Name)]
public sealed class AdminPageRoomBrowserTests(AdminPageBrowserFixture fixture)
{
    private LiveServer Server => fixture.Server;

    private static string Route(string view, string id) => $"#/{view}/{Uri.EscapeDataString(id)}";

    private async Task<(string RoomId, TestSession Owner, TestSession Member)> RoomWithTwoMembersAsync(string name)
    {
        var owner = await Server.RegisterAsync();
        var member = await Server.RegisterAsync();
        var roomId = await owner.CreateRoomAsync(new JsonObject { ["name"] = name, ["preset"] = "public_chat" });
        await member.JoinAsync(roomId);
        return (roomId, owner, member);
    }

    [Fact]
    public async Task Admin_lists_rooms_by_search_and_opens_a_rooms_members()
    {
        var admin = await Server.RegisterAdminAsync();
        var name = "Stage " + Guid.NewGuid().ToString("N")[..8];
        var (roomId, owner, member) = await RoomWithTwoMembersAsync(name);
        var page = await fixture.OpenAsync();
        await page.SignInAsAdminAsync(admin);

        await page.ByTestId("nav-rooms").ClickAsync();
        await page.ByTestId("room-search-term").FillAsync(name);
        await page.ByTestId("room-search-submit").ClickAsync();
        var row = page.ByTestId("room-row").Filter(new LocatorFilterOptions { HasText = name });
        await row.WaitForAsync();
        await page.ScreenshotAsync("rooms");
        Assert.Equal(1, await page.ByTestId("room-row").CountAsync());
        await row.GetByTestId("room-link").ClickAsync();

        await page.ByTestId("room-member").Nth(1).WaitForAsync();
        await page.ByTestId("room-fields").WaitForAsync(); // the title becomes the name with the details, not the members
        Assert.Equal(name, await page.ByTestId("room-title").TextContentAsync());
        var members = await page.ByTestId("room-member-link").AllTextContentsAsync();
        Assert.Equal(new[] { owner.UserId, member.UserId }.Order(), members.Order());
        Assert.Contains(roomId, await page.ByTestId("room-fields").TextContentAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync("room-members");
        await page.AssertNoProblemsAsync();
    }

    [Fact]
    public async Task Admin_deletes_a_room_and_sees_the_job_complete()
    {
        var admin = await Server.RegisterAdminAsync();
        var (roomId, _, member) = await RoomWithTwoMembersAsync("Doomed room");
        var page = await fixture.OpenAsync(Route("rooms", roomId));
        await page.SignInAsAdminAsync(admin);
        await page.ByTestId("room-fields").WaitForAsync();

        await page.ByTestId("room-delete").ClickAsync();
        await page.ConfirmAsync("block");

        await page.Page.Locator("[data-testid=room-delete-status][data-status=complete]").WaitForAsync();
        var status = await MatrixAssert.OkAsync(await admin.Client.GetAsync(
            $"/_synapse/admin/v2/rooms/{Uri.EscapeDataString(roomId)}/delete_status"));
        Assert.Equal("complete", status.GetProperty("results")[0].GetProperty("status").GetString());
        var joined = await MatrixAssert.OkAsync(await member.Client.GetAsync("/_matrix/client/v3/joined_rooms"));
        Assert.DoesNotContain(roomId, joined.GetProperty("joined_rooms").EnumerateArray().Select(r => r.GetString()));
        await page.ScreenshotAsync("room-deleted");
        await page.AssertNoProblemsAsync();
    }

    [Fact]
    public async Task Admin_blocks_a_room_from_its_page()
    {
        var admin = await Server.RegisterAdminAsync();
        var (roomId, _, _) = await RoomWithTwoMembersAsync("Blockable");
        var page = await fixture.OpenAsync(Route("rooms", roomId));
        await page.SignInAsAdminAsync(admin);
        await page.ByTestId("room-fields").WaitForAsync();

        await page.ByTestId("room-toggle-block").ClickAsync();
        await page.ConfirmAsync();

        await page.ByTestId("room-toggle-block").Filter(new LocatorFilterOptions { HasText = "Unblock" }).WaitForAsync();
        var block = await MatrixAssert.OkAsync(await admin.Client.GetAsync(
            $"/_synapse/admin/v1/rooms/{Uri.EscapeDataString(roomId)}/block"));
        Assert.True(block.GetProperty("block").GetBoolean());
        await page.AssertNoProblemsAsync();
    }

    [Fact]
    public async Task Hostile_room_name_is_shown_as_text_and_runs_nothing()
    {
        const string hostile = "<img src=x onerror=alert(1)>";
        var admin = await Server.RegisterAdminAsync();
        var (roomId, _, _) = await RoomWithTwoMembersAsync(hostile);
        var page = await fixture.OpenAsync();
        await page.SignInAsAdminAsync(admin);

        await page.Page.EvaluateAsync("route => { window.location.hash = route; }", "#/rooms?search_term=" +
            Uri.EscapeDataString("onerror=alert"));
        var link = page.ByTestId("room-link").Filter(new LocatorFilterOptions { HasText = hostile });
        await link.WaitForAsync();
        await link.ClickAsync();
        await page.ByTestId("room-fields").WaitForAsync();
        await page.ByTestId("room-member").Nth(1).WaitForAsync();

        Assert.Equal(hostile, await page.ByTestId("room-title").TextContentAsync());
        Assert.Contains(roomId, await page.ByTestId("room-fields").TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.Page.Locator("img").CountAsync());
        await page.ScreenshotAsync("hostile-room-name");
        await page.AssertNoProblemsAsync();
    }

    [Fact]
    public async Task Admin_sees_an_event_report_and_resolves_it()
    {
        var admin = await Server.RegisterAdminAsync();
        var (roomId, owner, reporter) = await RoomWithTwoMembersAsync("Reported room");
        var eventId = await owner.SendTextAsync(roomId, "offending words");
        var reason = "spam " + Guid.NewGuid().ToString("N")[..8];
        await MatrixAssert.OkAsync(await reporter.Client.PostAsJsonAsync(
            $"/_matrix/client/v3/rooms/{RoomSteps.Escape(roomId)}/report/{RoomSteps.Escape(eventId)}",
            new JsonObject { ["reason"] = reason, ["score"] = -100 }));
        var page = await fixture.OpenAsync();
        await page.SignInAsAdminAsync(admin);

        await page.ByTestId("nav-reports").ClickAsync();
        var row = page.ByTestId("report-row").Filter(new LocatorFilterOptions { HasText = reason });
        await row.WaitForAsync();
        await page.ScreenshotAsync("reports");
        await row.GetByTestId("report-link").ClickAsync();
        await page.ByTestId("report-fields").WaitForAsync();
        Assert.Equal(reason, await page.ByTestId("report-fields").GetByTestId("report-reason").TextContentAsync());
        Assert.Contains("offending words", await page.ByTestId("report-event").TextContentAsync(), StringComparison.Ordinal);
        var reportId = Uri.UnescapeDataString(page.Page.Url.Split("#/reports/")[1]);
        await page.ByTestId("report-resolve").ClickAsync();
        await page.ConfirmAsync();

        await page.ByTestId("notice").Filter(new LocatorFilterOptions { HasText = $"Report #{reportId} resolved." })
            .WaitForAsync();
        await page.ByTestId("report-total").WaitForAsync();
        Assert.Equal(0, await page.ByTestId("report-row").Filter(new LocatorFilterOptions { HasText = reason }).CountAsync());
        var (status, body) = await Server.GetAsync($"/_synapse/admin/v1/event_reports/{reportId}", admin.AccessToken);
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("M_NOT_FOUND", body.GetProperty("errcode").GetString());
        await page.AssertNoProblemsAsync();
    }
}
