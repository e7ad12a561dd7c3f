using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Homeserver.Host.Tests.Support;
using Microsoft.Playwright;

namespace Homeserver.Host.Tests.Admin.Page;

/// <summary>
/// The admin page in headless Chromium against the server in this process: signing in and out, the refusal a
/// non-admin sees, finding and deactivating a user, and the phone layout. Every test also checks that the page ran
/// without a CSP violation, console error or dialog.
/// </summary>
[Collection(AdminPageBrowserGroup.Name)]
public sealed class AdminPageUserBrowserTests(AdminPageBrowserFixture fixture)
{
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task Admin_finds_a_user_by_search_and_deactivates_them_with_erase()
    {
        var admin = await Server.RegisterAdminAsync();
        var localpart = LiveServer.UniqueUsername("victim");
        var victim = await Server.RegisterAsync(localpart);
        await Server.RegisterAsync(LiveServer.UniqueUsername("bystander"));
        var page = await fixture.OpenAsync();
        await page.SignInAsAdminAsync(admin);
        await page.ByTestId("user-total").WaitForAsync();
        Assert.Equal(admin.UserId, await page.ByTestId("whoami").TextContentAsync());

        await page.ByTestId("user-search-name").FillAsync(localpart);
        await page.ByTestId("user-search-submit").ClickAsync();
        await page.ByTestId("user-total").Filter(new LocatorFilterOptions { HasTextRegex = new Regex("^1 user$") }).WaitForAsync();
        Assert.Equal(victim.UserId, await page.ByTestId("user-link").TextContentAsync());
        await page.ByTestId("user-link").ClickAsync();
        await page.ByTestId("user-fields").WaitForAsync();
        await page.ScreenshotAsync("user-detail");
        await page.ByTestId("user-deactivate").ClickAsync();
        await page.ConfirmAsync("erase");

        await page.ByTestId("notice").Filter(new LocatorFilterOptions { HasText = "Deactivated and erased." }).WaitForAsync();
        Assert.Equal("yes", await page.ByTestId("user-fields").GetByTestId("user-deactivated").TextContentAsync());
        var user = await MatrixAssert.OkAsync(await admin.Client.GetAsync(
            $"/_synapse/admin/v2/users/{Uri.EscapeDataString(victim.UserId)}"));
        Assert.True(user.GetProperty("deactivated").GetBoolean());
        Assert.True(user.GetProperty("erased").GetBoolean());
        Assert.DoesNotContain("null", await page.ByTestId("view").TextContentAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync("user-deactivated");
        await page.AssertNoProblemsAsync();
    }

    [Fact]
    public async Task Deactivation_cancelled_in_the_dialog_leaves_the_user_active()
    {
        var admin = await Server.RegisterAdminAsync();
        var user = await Server.RegisterAsync();
        var page = await fixture.OpenAsync("#/users/" + Uri.EscapeDataString(user.UserId));
        await page.SignInAsAdminAsync(admin);
        await page.ByTestId("user-fields").WaitForAsync();

        await page.ByTestId("user-deactivate").ClickAsync();
        await page.ByTestId("confirm-cancel").ClickAsync();

        Assert.Equal(0, await page.ByTestId("confirm-dialog").CountAsync());
        var body = await MatrixAssert.OkAsync(await admin.Client.GetAsync(
            $"/_synapse/admin/v2/users/{Uri.EscapeDataString(user.UserId)}"));
        Assert.False(body.GetProperty("deactivated").GetBoolean());
        await page.AssertNoProblemsAsync();
    }

    [Fact]
    public async Task Admin_makes_a_user_admin_from_their_page()
    {
        var admin = await Server.RegisterAdminAsync();
        var user = await Server.RegisterAsync();
        var page = await fixture.OpenAsync("#/users/" + Uri.EscapeDataString(user.UserId));
        await page.SignInAsAdminAsync(admin);
        await page.ByTestId("user-fields").WaitForAsync();

        await page.ByTestId("user-toggle-admin").ClickAsync();
        await page.ConfirmAsync();

        await page.ByTestId("user-toggle-admin").Filter(new LocatorFilterOptions { HasText = "Remove admin" }).WaitForAsync();
        var body = await MatrixAssert.OkAsync(await admin.Client.GetAsync(
            $"/_synapse/admin/v2/users/{Uri.EscapeDataString(user.UserId)}"));
        Assert.True(body.GetProperty("admin").GetBoolean());
        await page.AssertNoProblemsAsync();
    }

    [Fact]
    public async Task Admin_resets_a_users_password_and_the_new_one_signs_in()
    {
        var admin = await Server.RegisterAdminAsync();
        var user = await Server.RegisterAsync();
        const string newPassword = "a new password for the test";
        var page = await fixture.OpenAsync("#/users/" + Uri.EscapeDataString(user.UserId));
        await page.SignInAsAdminAsync(admin);
        var form = page.ByTestId("user-reset-password");

        await form.Locator("input[name=password]").FillAsync(newPassword);
        await form.GetByRole(AriaRole.Button).ClickAsync();

        await page.ByTestId("user-password-reset").WaitForAsync();
        var (oldStatus, _) = await Server.PostAsync("/_matrix/client/v3/login", Login(user.UserId, LiveServer.Password));
        var (newStatus, _) = await Server.PostAsync("/_matrix/client/v3/login", Login(user.UserId, newPassword));
        Assert.Equal(HttpStatusCode.Forbidden, oldStatus);
        Assert.Equal(HttpStatusCode.OK, newStatus);
        await page.AssertNoProblemsAsync();
    }

    private static JsonObject Login(string userId, string password) => new()
    {
        ["type"] = "m.login.password",
        ["identifier"] = new JsonObject { ["type"] = "m.id.user", ["user"] = userId },
        ["password"] = password,
    };

    [Fact]
    public async Task Non_admin_sees_that_they_are_not_a_server_admin()
    {
        var user = await Server.RegisterAsync();
        var page = await fixture.OpenAsync();

        await page.SignInAsync(user);

        await page.ByTestId("refused").WaitForAsync();
        Assert.Contains("not a server admin", await page.ByTestId("refused-reason").TextContentAsync(),
            StringComparison.Ordinal);
        Assert.False(await page.ByTestId("view").IsVisibleAsync());
        Assert.False(await page.ByTestId("nav-users").IsVisibleAsync());
        await page.ScreenshotAsync("non-admin-refused");
        await page.AssertNoProblemsAsync();
    }

    [Fact]
    public async Task Wrong_password_is_refused_on_the_sign_in_form()
    {
        var admin = await Server.RegisterAdminAsync();
        var page = await fixture.OpenAsync();

        await page.ByTestId("sign-in-user").FillAsync(admin.UserId);
        await page.ByTestId("sign-in-password").FillAsync("not the password");
        await page.ByTestId("sign-in-submit").ClickAsync();

        await page.ByTestId("sign-in-error").Filter(new LocatorFilterOptions { HasText = "Wrong user name or password." })
            .WaitForAsync();
        Assert.Null(await page.Page.EvaluateAsync<string?>("() => sessionStorage.getItem('homeserver-admin.token')"));
        await page.AssertNoProblemsAsync();
    }

    [Fact]
    public async Task Sign_out_ends_the_session_on_the_server()
    {
        var admin = await Server.RegisterAdminAsync();
        var page = await fixture.OpenAsync();
        await page.SignInAsAdminAsync(admin);
        var token = await page.Page.EvaluateAsync<string>("() => sessionStorage.getItem('homeserver-admin.token')");
        var (before, _) = await Server.GetAsync("/_matrix/client/v3/account/whoami", token);

        await page.ByTestId("sign-out").ClickAsync();

        await page.ByTestId("sign-in-form").WaitForAsync();
        var (after, body) = await Server.GetAsync("/_matrix/client/v3/account/whoami", token);
        Assert.Equal(HttpStatusCode.OK, before);
        Assert.Equal(HttpStatusCode.Unauthorized, after);
        Assert.Equal("M_UNKNOWN_TOKEN", body.GetProperty("errcode").GetString());
        Assert.Null(await page.Page.EvaluateAsync<string?>("() => sessionStorage.getItem('homeserver-admin.token')"));
        await page.AssertNoProblemsAsync();
    }

    [Fact]
    public async Task Page_fits_a_phone_screen_without_sideways_scrolling()
    {
        var admin = await Server.RegisterAdminAsync();
        var page = await fixture.OpenAsync(width: 390, height: 844, mobile: true);
        await page.SignInAsAdminAsync(admin);

        foreach (var view in new[] { "users", "rooms", "reports" })
        {
            await page.ByTestId("nav-" + view).ClickAsync();
            await page.ByTestId(view.TrimEnd('s') + "-total").WaitForAsync();
            var overflow = await page.Page.EvaluateAsync<JsonElement>(
                "() => [document.documentElement.scrollWidth, window.innerWidth]");
            Assert.True(overflow[0].GetInt32() <= overflow[1].GetInt32(),
                $"{view}: {overflow[0]} px wide in a {overflow[1]} px window");
            await page.ScreenshotAsync("phone-" + view);
        }

        await page.AssertNoProblemsAsync();
    }
}
