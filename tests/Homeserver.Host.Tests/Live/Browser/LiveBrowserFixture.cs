using System.Text.Json.Nodes;
using Homeserver.Host.Hosting;
using Homeserver.Host.Tests.Support;
using Microsoft.Playwright;

namespace Homeserver.Host.Tests.Live.Browser;

/// <summary>
/// One server serving the built web client (src/LiveChat/dist, found from the test's directory) and one headless
/// Debian Chromium (/usr/bin/chromium; Playwright never downloads a browser here) for the browser tests of a class.
/// Fails, rather than skips, when the client is not built or Chromium is missing: ./scripts/test provides both.
/// </summary>
public sealed class LiveBrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    private IPlaywright? _playwright;

    public LiveServer Server { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots go: TestResults/live-client/ at the repository's root.</summary>
    public static string ScreenshotDirectory { get; } = FindScreenshotDirectory();

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: apt-get install chromium (./scripts/test does)");
        Assert.True(LiveClientFiles.Find("", AppContext.BaseDirectory) is not null,
            "The live client is not built: npm ci && npm run build in src/LiveChat (./scripts/test does)");
        Server = await LiveServer.StartAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }

    /// <summary>A fresh browser profile (its own localStorage, so its own session) with the client open.</summary>
    public async Task<LivePage> OpenAsync(string room, int width = 1280, int height = 800, bool mobile = false)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Server.Instance.Addresses[0].ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            IsMobile = mobile,
            HasTouch = mobile,
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        var livePage = new LivePage(page);
        await page.GotoAsync("/live/?room=" + Uri.EscapeDataString(room));
        await WaitUntilReadyAsync(page);
        return livePage;
    }

    /// <summary>Waits until the client has opened its room (the room area names it).</summary>
    public static async Task WaitUntilReadyAsync(IPage page) =>
        await page.Locator("[data-testid=room][data-room-id]").WaitForAsync();

    /// <summary>A public room anyone (guests too) can join and read, with an alias; returns (room ID, alias).</summary>
    public static async Task<(string RoomId, string Alias)> EventRoomAsync(TestSession owner, string name,
        JsonArray? extraState = null)
    {
        var aliasName = LiveServer.UniqueUsername("event");
        var initialState = new JsonArray
        {
            State("m.room.guest_access", new JsonObject { ["guest_access"] = "can_join" }),
            State("m.room.history_visibility", new JsonObject { ["history_visibility"] = "shared" }),
        };
        foreach (var state in extraState ?? [])
        {
            initialState.Add(state!.DeepClone());
        }

        var roomId = await owner.CreateRoomAsync(new JsonObject
        {
            ["preset"] = "public_chat",
            ["name"] = name,
            ["room_alias_name"] = aliasName,
            ["initial_state"] = initialState,
        });
        return (roomId, $"#{aliasName}:localhost");
    }

    public static JsonObject State(string type, JsonObject content, string stateKey = "") =>
        new() { ["type"] = type, ["state_key"] = stateKey, ["content"] = content };

    private static string FindScreenshotDirectory()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Homeserver.sln")))
        {
            directory = directory.Parent;
        }

        var root = directory?.FullName ?? AppContext.BaseDirectory;
        var path = Path.Combine(root, "TestResults", "live-client");
        Directory.CreateDirectory(path);
        return path;
    }
}

/// <summary>A page of the client, with what the tests read from it.</summary>
public sealed class LivePage(IPage page)
{
    private readonly List<string> _consoleErrors = Attach(page);

    public IPage Page { get; } = page;

    /// <summary>Console errors and uncaught exceptions, including CSP violations, for failure messages.</summary>
    public IReadOnlyList<string> ConsoleErrors => _consoleErrors;

    private static List<string> Attach(IPage page)
    {
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (errors)
                {
                    errors.Add(message.Text);
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (errors)
            {
                errors.Add(error);
            }
        };
        return errors;
    }

    public ILocator Message(string text) =>
        Page.GetByTestId("message").Filter(new LocatorFilterOptions { HasText = text });

    public async Task WaitForMessageAsync(string text) =>
        await Message(text).First.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });

    public async Task LogInAsync(TestSession user)
    {
        await Page.GetByTestId("login-open").ClickAsync();
        await Page.GetByTestId("login-user").FillAsync(user.UserId);
        await Page.GetByTestId("login-password").FillAsync(LiveServer.Password);
        await Page.GetByTestId("login-submit").ClickAsync();
        await Page.GetByTestId("whoami").Filter(new LocatorFilterOptions { HasText = user.UserId })
            .WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
        await LiveBrowserFixture.WaitUntilReadyAsync(Page);
    }

    public async Task PostAsync(string text)
    {
        var input = Page.GetByTestId("composer-input");
        await input.FillAsync(text);
        await input.PressAsync("Enter");
    }

    public async Task ScreenshotAsync(string name) =>
        await Page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(LiveBrowserFixture.ScreenshotDirectory, name + ".png"),
            FullPage = true,
        });

    /// <summary>No CSP violation nor uncaught exception happened on the page.</summary>
    public void AssertNoPageErrors()
    {
        lock (_consoleErrors)
        {
            Assert.DoesNotContain(_consoleErrors, error =>
                error.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase) ||
                error.Contains("Uncaught", StringComparison.Ordinal));
        }
    }
}
