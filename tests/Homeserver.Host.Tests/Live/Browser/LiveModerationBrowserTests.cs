using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using Microsoft.Playwright;

namespace Homeserver.Host.Tests.Live.Browser;

/// <summary>
/// The web client's flows over the live server features of docs/LIVE.md (rules gate, timeouts, gallery, webhooks).
/// Each first probes its endpoint and is reported skipped while this server does not have it (404/405
/// M_UNRECOGNIZED); once the endpoint exists the test runs and must pass.
/// </summary>
public sealed class LiveModerationBrowserTests(LiveBrowserFixture fixture) : IClassFixture<LiveBrowserFixture>
{
    private const string Live = "/_matrix/client/unstable/org.homeserver.live";
    private LiveServer Server => fixture.Server;

    /// <summary>Calls the endpoint; skips the test when the server does not know it. Returns the answer otherwise.</summary>
    private async Task<(HttpStatusCode Status, JsonElement Body)> CallAsync(HttpMethod method, string path,
        JsonNode? body, string accessToken)
    {
        var (status, answer) = await Server.SendAsync(method, path, body, accessToken);
        var unrecognized = status is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed &&
                           answer.ValueKind == JsonValueKind.Object &&
                           answer.TryGetProperty("errcode", out var code) && code.GetString() == "M_UNRECOGNIZED";
        Assert.False(unrecognized, $"{method} {path} is not on this server (M_UNRECOGNIZED)");
        return (status, answer);
    }

    [Fact]
    public async Task User_accepts_the_rules_then_posts()
    {
        var owner = await Server.RegisterAsync();
        var user = await Server.RegisterAsync();
        var (roomId, alias) = await LiveBrowserFixture.EventRoomAsync(owner, "Rules", new JsonArray
        {
            LiveBrowserFixture.State("org.homeserver.live.rules", new JsonObject
            {
                ["version"] = "1", ["text"] = "Be kind. No spam.", ["require_acceptance"] = true,
            }),
        });
        await CallAsync(HttpMethod.Post, $"{Live}/rooms/{Uri.EscapeDataString(roomId)}/rules/accept",
            new JsonObject { ["version"] = "1" }, owner.AccessToken);
        var guest = await fixture.OpenAsync(alias);
        var page = await fixture.OpenAsync(alias);

        await page.LogInAsync(user);

        var dialog = page.Page.GetByTestId("rules-dialog");
        await dialog.WaitForAsync();
        Assert.Equal("Be kind. No spam.", await page.Page.GetByTestId("rules-text").TextContentAsync());
        Assert.True(await page.Page.GetByTestId("composer-input").IsDisabledAsync());
        await page.ScreenshotAsync("rules-dialog");
        await page.Page.GetByTestId("rules-accept").ClickAsync();
        await dialog.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });
        Assert.True(await page.Page.GetByTestId("composer-input").IsEnabledAsync());
        await page.PostAsync("Rules accepted, hello!");
        await guest.WaitForMessageAsync("Rules accepted, hello!");
    }

    [Fact]
    public async Task Moderator_times_a_user_out_and_the_user_sees_the_countdown()
    {
        var moderator = await Server.RegisterAsync();
        var user = await Server.RegisterAsync();
        var (roomId, alias) = await LiveBrowserFixture.EventRoomAsync(moderator, "Timeouts");
        await CallAsync(HttpMethod.Get, $"{Live}/rooms/{Uri.EscapeDataString(roomId)}/timeouts", null,
            moderator.AccessToken);
        var userPage = await fixture.OpenAsync(alias);
        await userPage.LogInAsync(user);
        await userPage.PostAsync("LOUD NOISES");
        var moderatorPage = await fixture.OpenAsync(alias);
        await moderatorPage.LogInAsync(moderator);
        await moderatorPage.WaitForMessageAsync("LOUD NOISES");

        var message = moderatorPage.Message("LOUD NOISES");
        await message.GetByTestId("message-tools-toggle").ClickAsync();
        await message.GetByTestId("action-timeout-2").ClickAsync();

        var countdown = userPage.Page.GetByTestId("composer-countdown");
        await countdown.WaitForAsync();
        Assert.Matches(@"^[0-2]:\d\d$", await countdown.TextContentAsync());
        Assert.True(await userPage.Page.GetByTestId("composer-input").IsDisabledAsync());
        Assert.Contains("timed out", await userPage.Page.GetByTestId("composer-lock-reason").TextContentAsync(),
            StringComparison.Ordinal);
        await userPage.ScreenshotAsync("timed-out-user");
    }

    [Fact]
    public async Task Gallery_shows_a_posted_link()
    {
        var owner = await Server.RegisterAsync();
        var (roomId, alias) = await LiveBrowserFixture.EventRoomAsync(owner, "Gallery");
        await CallAsync(HttpMethod.Get, $"{Live}/rooms/{Uri.EscapeDataString(roomId)}/gallery", null, owner.AccessToken);
        await owner.SendTextAsync(roomId, "Tickets: https://example.org/tickets");
        await WaitForGalleryItemAsync(roomId, owner.AccessToken, "https://example.org/tickets");
        var guest = await fixture.OpenAsync(alias);
        await guest.WaitForMessageAsync("Tickets");

        await guest.Page.GetByTestId("gallery-open").ClickAsync();

        var link = guest.Page.GetByTestId("gallery-link");
        await link.WaitForAsync();
        Assert.Equal("https://example.org/tickets", await link.GetAttributeAsync("href"));
        await guest.ScreenshotAsync("gallery");
    }

    /// <summary>The gallery is filled by a stream consumer after the send: wait until the server lists the item.</summary>
    private async Task WaitForGalleryItemAsync(string roomId, string accessToken, string url)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            var (_, body) = await Server.GetAsync($"{Live}/rooms/{Uri.EscapeDataString(roomId)}/gallery", accessToken);
            if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("chunk", out var chunk) &&
                chunk.EnumerateArray().Any(item => item.GetProperty("url").GetString() == url))
            {
                return;
            }

            await Task.Delay(100, timeout.Token);
        }
    }

    [Fact]
    public async Task Webhook_post_appears_live()
    {
        var owner = await Server.RegisterAsync();
        var (roomId, alias) = await LiveBrowserFixture.EventRoomAsync(owner, "Hooks");
        var (status, hook) = await CallAsync(HttpMethod.Post, $"{Live}/rooms/{Uri.EscapeDataString(roomId)}/webhooks",
            new JsonObject { ["name"] = "Stage bot" }, owner.AccessToken);
        Assert.True(status == HttpStatusCode.OK, $"creating the webhook failed: {status} {hook}");
        var guest = await fixture.OpenAsync(alias);

        // The URL starts with WellKnown:ClientBaseUrl, which need not be this test server's port: keep its path.
        var url = hook.GetProperty("url").GetString()!;
        var path = Uri.TryCreate(url, UriKind.Absolute, out var absolute) ? absolute.PathAndQuery : url;
        using var response = await Server.Anonymous.PostAsync(path,
            System.Net.Http.Json.JsonContent.Create(new JsonObject { ["text"] = "Now playing: Track 7" }));
        Assert.True(response.IsSuccessStatusCode, $"webhook post failed: {response.StatusCode}");

        await guest.WaitForMessageAsync("Now playing: Track 7");
        Assert.Equal("Stage bot",
            await guest.Message("Now playing: Track 7").GetByTestId("message-sender").TextContentAsync());
        await guest.ScreenshotAsync("webhook-post");
    }
}
