using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using Microsoft.Playwright;

namespace Homeserver.Host.Tests.Live.Browser;

/// <summary>
/// The web client in a real browser (Debian's Chromium, headless) against the server in this process: what works on
/// the server as it is (reading as a guest, posting, editing, spaces, moderation by redaction and pins, the phone
/// layout). Screenshots are kept in TestResults/live-client/.
/// </summary>
public sealed class LiveClientBrowserTests(LiveBrowserFixture fixture) : IClassFixture<LiveBrowserFixture>
{
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task Guest_reads_the_event_channel_and_sees_a_new_message_live()
    {
        var artist = await Server.RegisterAsync();
        var (roomId, alias) = await LiveBrowserFixture.EventRoomAsync(artist, "Main stage");
        await artist.SendTextAsync(roomId, "Doors open at eight");
        var guest = await fixture.OpenAsync(alias);
        await guest.WaitForMessageAsync("Doors open at eight");

        await artist.SendTextAsync(roomId, "First set starts now https://example.org/lineup");

        await guest.WaitForMessageAsync("First set starts now");
        Assert.Equal("Main stage", await guest.Page.GetByTestId("room-name").TextContentAsync());
        Assert.StartsWith("Guest", await guest.Page.GetByTestId("whoami").TextContentAsync(), StringComparison.Ordinal);
        var link = guest.Message("First set starts now").GetByRole(AriaRole.Link);
        Assert.Equal("https://example.org/lineup", await link.GetAttributeAsync("href"));
        Assert.Equal("noopener noreferrer nofollow", await link.GetAttributeAsync("rel"));
        Assert.Equal(0, await guest.Page.GetByTestId("message-tools-toggle").CountAsync());
        await guest.ScreenshotAsync("guest-reads-event-channel");
        guest.AssertNoPageErrors();
    }

    [Fact]
    public async Task Logged_in_user_posts_and_a_guest_sees_it_live()
    {
        var owner = await Server.RegisterAsync();
        var user = await Server.RegisterAsync();
        var (_, alias) = await LiveBrowserFixture.EventRoomAsync(owner, "Chat");
        var guest = await fixture.OpenAsync(alias);
        var poster = await fixture.OpenAsync(alias);
        await poster.LogInAsync(user);

        await poster.PostAsync("Hello from the crowd <b>not bold</b>");

        await poster.WaitForMessageAsync("Hello from the crowd");
        await guest.WaitForMessageAsync("Hello from the crowd");
        var body = guest.Message("Hello from the crowd").GetByTestId("message-body");
        Assert.Equal("Hello from the crowd <b>not bold</b>", await body.TextContentAsync());
        Assert.Equal(0, await body.Locator("b").CountAsync());
        Assert.Contains(user.UserId.Split(':')[0].TrimStart('@'),
            await guest.Message("Hello from the crowd").GetByTestId("message-sender").TextContentAsync(),
            StringComparison.Ordinal);
        await poster.ScreenshotAsync("user-posts");
        await guest.ScreenshotAsync("guest-sees-user-post");
        poster.AssertNoPageErrors();
    }

    [Fact]
    public async Task Up_arrow_edits_the_last_own_message_and_others_see_the_edit()
    {
        var owner = await Server.RegisterAsync();
        var user = await Server.RegisterAsync();
        var (_, alias) = await LiveBrowserFixture.EventRoomAsync(owner, "Edits");
        var guest = await fixture.OpenAsync(alias);
        var poster = await fixture.OpenAsync(alias);
        await poster.LogInAsync(user);
        await poster.PostAsync("Great sett");
        await poster.WaitForMessageAsync("Great sett");

        var input = poster.Page.GetByTestId("composer-input");
        await input.PressAsync("ArrowUp");
        Assert.Equal("Great sett", await input.InputValueAsync());
        await input.FillAsync("Great set!");
        await input.PressAsync("Enter");

        await guest.Message("Great set!").GetByTestId("message-edited").WaitForAsync();
        Assert.Equal(0, await guest.Message("Great sett").CountAsync());
        Assert.Equal(1, await guest.Page.GetByTestId("message").CountAsync());
    }

    [Fact]
    public async Task Phone_sized_screen_shows_the_chat_with_the_channels_in_a_drawer()
    {
        var owner = await Server.RegisterAsync();
        var (roomId, alias) = await LiveBrowserFixture.EventRoomAsync(owner, "Phone");
        await owner.SendTextAsync(roomId, "A long message that has to wrap on a narrow phone screen without scrolling sideways");

        var phone = await fixture.OpenAsync(alias, width: 375, height: 740, mobile: true);
        await phone.WaitForMessageAsync("A long message");

        Assert.True(await phone.Page.GetByTestId("channels-toggle").IsVisibleAsync());
        Assert.False(await phone.Page.GetByTestId("channels").IsVisibleAsync());
        Assert.True(await phone.Page.GetByTestId("guest-name-form").IsVisibleAsync());
        var scrollWidth = await phone.Page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= 375, $"the page is {scrollWidth}px wide on a 375px screen");
        await phone.ScreenshotAsync("mobile-375");
        await phone.Page.GetByTestId("channels-toggle").ClickAsync();
        Assert.True(await phone.Page.GetByTestId("channels").IsVisibleAsync());
        await phone.ScreenshotAsync("mobile-375-channels");
    }

    [Fact]
    public async Task Space_lists_the_event_channel_and_the_artist_channels()
    {
        var owner = await Server.RegisterAsync();
        var (mainId, _) = await LiveBrowserFixture.EventRoomAsync(owner, "Main stage");
        var (artistId, _) = await LiveBrowserFixture.EventRoomAsync(owner, "DJ Nova");
        await owner.SendTextAsync(artistId, "Nova here, ask me anything");
        var spaceAlias = LiveServer.UniqueUsername("festival");
        var spaceId = await owner.CreateRoomAsync(new JsonObject
        {
            ["preset"] = "public_chat",
            ["name"] = "Festival",
            ["room_alias_name"] = spaceAlias,
            ["creation_content"] = new JsonObject { ["type"] = "m.space" },
            ["initial_state"] = new JsonArray
            {
                LiveBrowserFixture.State("m.room.history_visibility", new JsonObject { ["history_visibility"] = "world_readable" }),
                LiveBrowserFixture.State("m.room.guest_access", new JsonObject { ["guest_access"] = "can_join" }),
                LiveBrowserFixture.State("m.space.child", new JsonObject { ["via"] = new JsonArray("localhost"), ["order"] = "a" }, mainId),
                LiveBrowserFixture.State("m.space.child", new JsonObject { ["via"] = new JsonArray("localhost"), ["order"] = "b" }, artistId),
            },
        });
        Assert.StartsWith("!", spaceId, StringComparison.Ordinal);

        var guest = await fixture.OpenAsync($"#{spaceAlias}:localhost");

        var channels = guest.Page.GetByTestId("channel");
        await guest.Page.GetByTestId("room-name").Filter(new LocatorFilterOptions { HasText = "Main stage" }).WaitForAsync();
        Assert.Equal(["Main stage", "DJ Nova"], await channels.AllTextContentsAsync());
        Assert.Equal("event", await channels.First.GetAttributeAsync("data-kind"));
        await channels.Nth(1).ClickAsync();
        await guest.WaitForMessageAsync("Nova here");
        Assert.Equal("DJ Nova", await guest.Page.GetByTestId("room-name").TextContentAsync());
        await guest.ScreenshotAsync("space-artist-channel");
    }

    [Fact]
    public async Task Moderator_pins_and_deletes_with_tools_that_only_moderators_see()
    {
        var moderator = await Server.RegisterAsync();
        var user = await Server.RegisterAsync();
        var (roomId, alias) = await LiveBrowserFixture.EventRoomAsync(moderator, "Moderated");
        await user.JoinAsync(roomId);
        await user.SendTextAsync(roomId, "Spam spam spam");
        await user.SendTextAsync(roomId, "Setlist please");
        var guest = await fixture.OpenAsync(alias);
        var userPage = await fixture.OpenAsync(alias);
        await userPage.LogInAsync(user);
        var moderatorPage = await fixture.OpenAsync(alias);
        await moderatorPage.LogInAsync(moderator);
        await moderatorPage.WaitForMessageAsync("Setlist please");

        var userTools = userPage.Message("Setlist please").GetByTestId("message-tools");
        Assert.Equal(0, await userTools.GetByTestId("action-timeout-5").CountAsync());
        Assert.Equal(0, await userTools.GetByTestId("action-ban").CountAsync());
        var setlist = moderatorPage.Message("Setlist please");
        await setlist.GetByTestId("message-tools-toggle").ClickAsync();
        // The moderator's tools appear once the client has the room's power levels, which may come after the message.
        await setlist.GetByTestId("action-timeout-5").WaitForAsync();
        Assert.True(await setlist.GetByTestId("action-ban").IsVisibleAsync());
        await moderatorPage.ScreenshotAsync("moderator-tools");
        await setlist.GetByTestId("action-pin").ClickAsync();
        // The pin re-renders the timeline (closing open tools): the spam's tools are opened after it.
        await setlist.GetByTestId("message-pinned").WaitForAsync();
        var spam = moderatorPage.Message("Spam spam spam");
        await spam.GetByTestId("message-tools-toggle").ClickAsync();
        await spam.GetByTestId("action-delete").ClickAsync();

        await guest.Message("Setlist please").GetByTestId("message-pinned").WaitForAsync();
        await guest.Message("Spam spam spam").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });
        await guest.ScreenshotAsync("guest-after-moderation");
    }

    [Fact]
    public async Task Image_upload_shows_a_preview_then_the_picture_from_authenticated_media()
    {
        var owner = await Server.RegisterAsync();
        var user = await Server.RegisterAsync();
        var (_, alias) = await LiveBrowserFixture.EventRoomAsync(owner, "Pictures");
        var guest = await fixture.OpenAsync(alias);
        var poster = await fixture.OpenAsync(alias);
        await poster.LogInAsync(user);

        await poster.Page.GetByTestId("composer-file").SetInputFilesAsync(new FilePayload
        {
            Name = "stage.png", MimeType = "image/png", Buffer = TinyPng,
        });
        await poster.Page.GetByTestId("upload-preview-image").WaitForAsync();
        await poster.Page.GetByTestId("upload-send").ClickAsync();

        var image = guest.Page.GetByTestId("message-image");
        await image.WaitForAsync();
        await guest.Page.WaitForFunctionAsync(
            "() => { const i = document.querySelector('[data-testid=message-image]'); return i && i.src.startsWith('blob:') && i.complete && i.naturalWidth > 0; }");
        guest.AssertNoPageErrors();
    }

    /// <summary>An 8x8 red PNG.</summary>
    private static readonly byte[] TinyPng = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEUlEQVR4nGP4b2CAFTEMLQkAfYZXwdKtwEsAAAAASUVORK5CYII=");
}
