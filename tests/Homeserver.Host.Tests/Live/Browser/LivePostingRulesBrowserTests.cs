using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using Microsoft.Playwright;

namespace Homeserver.Host.Tests.Live.Browser;

/// <summary>
/// How the client shows the posting rules of docs/LIVE.md from room state alone (slow mode, the rules dialog) and
/// mutes a user: these need only state events and account data, so they run on any server. (A timeout's state is
/// keyed by the timed-out user, which only the server's endpoint may write: LiveModerationBrowserTests covers it.)
/// </summary>
public sealed class LivePostingRulesBrowserTests(LiveBrowserFixture fixture) : IClassFixture<LiveBrowserFixture>
{
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task Slow_mode_locks_the_composer_after_a_post_until_the_seconds_have_passed()
    {
        var owner = await Server.RegisterAsync();
        var user = await Server.RegisterAsync();
        var (_, alias) = await LiveBrowserFixture.EventRoomAsync(owner, "Slow", new JsonArray
        {
            LiveBrowserFixture.State("org.homeserver.live.slow_mode", new JsonObject { ["seconds"] = 300 }),
        });
        var page = await fixture.OpenAsync(alias);
        await page.LogInAsync(user);

        await page.PostAsync("One message per five minutes");

        var countdown = page.Page.GetByTestId("composer-countdown");
        await countdown.WaitForAsync();
        Assert.Matches(@"^[45]:\d\d$", await countdown.TextContentAsync());
        Assert.Contains("Slow mode", await page.Page.GetByTestId("composer-lock-reason").TextContentAsync(),
            StringComparison.Ordinal);
        Assert.True(await page.Page.GetByTestId("composer-input").IsDisabledAsync());
        await page.ScreenshotAsync("slow-mode");
    }

    [Fact]
    public async Task Rules_are_shown_on_join_and_posting_waits_for_acceptance()
    {
        var owner = await Server.RegisterAsync();
        var user = await Server.RegisterAsync();
        var (_, alias) = await LiveBrowserFixture.EventRoomAsync(owner, "House rules", new JsonArray
        {
            LiveBrowserFixture.State("org.homeserver.live.rules", new JsonObject
            {
                ["version"] = "3", ["text"] = "1. Be kind.\n2. No spoilers.", ["require_acceptance"] = true,
            }),
        });
        var page = await fixture.OpenAsync(alias);

        await page.LogInAsync(user);

        await page.Page.GetByTestId("rules-dialog").WaitForAsync();
        Assert.Equal("1. Be kind.\n2. No spoilers.", await page.Page.GetByTestId("rules-text").TextContentAsync());
        await page.Page.GetByTestId("rules-later").ClickAsync();
        Assert.True(await page.Page.GetByTestId("composer-input").IsDisabledAsync());
        Assert.Contains("Accept the room rules", await page.Page.GetByTestId("composer-lock-reason").TextContentAsync(),
            StringComparison.Ordinal);
        await page.Page.GetByTestId("show-rules").ClickAsync();
        await page.Page.GetByTestId("rules-dialog").WaitForAsync();
    }

    [Fact]
    public async Task Muting_a_user_hides_their_messages_for_the_viewer_only()
    {
        var owner = await Server.RegisterAsync();
        var loud = await Server.RegisterAsync();
        var viewer = await Server.RegisterAsync();
        var (roomId, alias) = await LiveBrowserFixture.EventRoomAsync(owner, "Mute");
        await loud.JoinAsync(roomId);
        await loud.SendTextAsync(roomId, "BUY MY MIXTAPE");
        await owner.SendTextAsync(roomId, "Welcome everyone");
        var guest = await fixture.OpenAsync(alias);
        var page = await fixture.OpenAsync(alias);
        await page.LogInAsync(viewer);
        await page.WaitForMessageAsync("BUY MY MIXTAPE");

        var message = page.Message("BUY MY MIXTAPE");
        await message.GetByTestId("message-tools-toggle").ClickAsync();
        await message.GetByTestId("action-mute").ClickAsync();

        await message.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });
        await page.WaitForMessageAsync("Welcome everyone");
        await guest.WaitForMessageAsync("BUY MY MIXTAPE");
    }
}
