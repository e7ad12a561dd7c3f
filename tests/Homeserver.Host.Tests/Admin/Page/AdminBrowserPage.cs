using Homeserver.Host.Tests.Support;
using Microsoft.Playwright;

namespace Homeserver.Host.Tests.Admin.Page;

/// <summary>
/// The admin page in a browser tab, with what went wrong on it: console errors, uncaught exceptions, dialogs opened
/// (an injected <c>alert</c> would be one) and every <c>securitypolicyviolation</c> event the page fired.
/// </summary>
public sealed class AdminBrowserPage
{
    // Runs before the page's own scripts in every document (CSP does not apply to it): records violations.
    private const string ViolationRecorder =
        "window.__cspViolations = [];" +
        "document.addEventListener('securitypolicyviolation', e => " +
        "window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));";

    private readonly List<string> _problems = [];

    private AdminBrowserPage(IPage page) => Page = page;

    public IPage Page { get; }

    public static async Task<AdminBrowserPage> AttachAsync(IPage page)
    {
        var adminPage = new AdminBrowserPage(page);
        await page.AddInitScriptAsync(ViolationRecorder);
        page.Console += (_, message) =>
        {
            // A refused API call (the non-admin's 403) is logged as a failed load: expected, not a fault of the page.
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                adminPage.Record("console: " + message.Text);
            }
        };
        page.PageError += (_, error) => adminPage.Record("uncaught: " + error);
        page.Dialog += async (_, dialog) =>
        {
            adminPage.Record($"dialog {dialog.Type}: {dialog.Message}");
            await dialog.DismissAsync();
        };
        return adminPage;
    }

    private void Record(string problem)
    {
        lock (_problems)
        {
            _problems.Add(problem);
        }
    }

    public ILocator ByTestId(string id) => Page.GetByTestId(id);

    public async Task SignInAsync(TestSession user)
    {
        await ByTestId("sign-in-user").FillAsync(user.UserId);
        await ByTestId("sign-in-password").FillAsync(LiveServer.Password);
        await ByTestId("sign-in-submit").ClickAsync();
    }

    /// <summary>Signs in and waits for the admin views (the navigation appears once the admin API accepted us).</summary>
    public async Task SignInAsAdminAsync(TestSession admin)
    {
        await SignInAsync(admin);
        await ByTestId("nav-users").WaitForAsync();
    }

    /// <summary>Confirms the open confirmation dialog, ticking the named checkboxes first.</summary>
    public async Task ConfirmAsync(params string[] tick)
    {
        var dialog = ByTestId("confirm-dialog");
        await dialog.WaitForAsync();
        foreach (var box in tick)
        {
            await dialog.GetByTestId("confirm-" + box).CheckAsync();
        }

        await dialog.GetByTestId("confirm-ok").ClickAsync();
        await dialog.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });
    }

    public async Task ScreenshotAsync(string name) =>
        await Page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(AdminPageBrowserFixture.ScreenshotDirectory, name + ".png"),
            FullPage = true,
        });

    /// <summary>No CSP violation, console error, uncaught exception or dialog happened on the page.</summary>
    public async Task AssertNoProblemsAsync()
    {
        var violations = await Page.EvaluateAsync<string[]>("() => window.__cspViolations");
        Assert.Empty(violations);
        lock (_problems)
        {
            Assert.Empty(_problems);
        }
    }
}
