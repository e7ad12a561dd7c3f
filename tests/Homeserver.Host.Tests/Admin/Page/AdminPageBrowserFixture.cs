using Homeserver.Host.Tests.Live.Browser;
using Homeserver.Host.Tests.Support;
using Microsoft.Playwright;

namespace Homeserver.Host.Tests.Admin.Page;

/// <summary>
/// One server and one headless Debian Chromium (/usr/bin/chromium; Playwright never downloads a browser) for the
/// admin page's browser tests. Screenshots go to TestResults/admin-page/ at the repository's root.
/// </summary>
public sealed class AdminPageBrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public LiveServer Server { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public static string ScreenshotDirectory { get; } = CreateScreenshotDirectory();

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(LiveBrowserFixture.ChromiumPath),
            $"{LiveBrowserFixture.ChromiumPath} is missing: apt-get install chromium (./scripts/test does)");
        Server = await LiveServer.StartAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = LiveBrowserFixture.ChromiumPath,
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

    /// <summary>A fresh browser profile (its own sessionStorage) with the admin page open at <paramref name="route"/>.</summary>
    public async Task<AdminBrowserPage> OpenAsync(string route = "", int width = 1280, int height = 800, bool mobile = false)
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
        var adminPage = await AdminBrowserPage.AttachAsync(page);
        await page.GotoAsync("/admin/" + route);
        await page.Locator("body[data-ready=true]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
        return adminPage;
    }

    private static string CreateScreenshotDirectory()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Homeserver.sln")))
        {
            directory = directory.Parent;
        }

        var path = Path.Combine(directory?.FullName ?? AppContext.BaseDirectory, "TestResults", "admin-page");
        Directory.CreateDirectory(path);
        return path;
    }
}
