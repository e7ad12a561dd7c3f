using Homeserver.Host.Tests.Live.Browser;
using Homeserver.Host.Tests.Support;
using Microsoft.Playwright;

namespace Homeserver.Host.Tests.Accounts.OAuth;

/// <summary>
/// matrix-js-sdk's OAuth helpers (tests/js/oauth.mjs) against the server, with the person in the browser played by
/// Playwright in Debian's Chromium filling in the server's own login and consent pages.
/// </summary>
public sealed class OAuthJsSdkBrowserTests
{
    // Nothing listens here: the browser context answers it, so the test reads the callback from the page's URL.
    private const string RedirectUri = "http://127.0.0.1:5555/callback";

    [Fact]
    public async Task Matrix_js_sdk_signs_in_through_the_consent_page_refreshes_and_sees_a_wrong_verifier_a_reused_code_and_a_revoked_token_refused()
    {
        Assert.True(File.Exists(LiveBrowserFixture.ChromiumPath), $"{LiveBrowserFixture.ChromiumPath} is missing: apt-get install chromium");
        await using var server = await LiveServer.StartAsync();
        var user = await server.RegisterAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = LiveBrowserFixture.ChromiumPath,
            Headless = true,
        });
        var context = await browser.NewContextAsync();
        await context.RouteAsync("http://127.0.0.1:5555/**", route => route.FulfillAsync(new RouteFulfillOptions
        {
            Status = 200, ContentType = "text/plain", Body = "back in the application",
        }));
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        var livePage = new LivePage(page);
        await using var node = await NodeProcess.StartAsync("oauth.mjs", "discovered issuer",
            server.Anonymous.BaseAddress!.ToString().TrimEnd('/'), RedirectUri);

        for (var round = 1; round <= 3; round++)
        {
            var url = (await node.WaitForLineAsync("AUTHORIZE "))["AUTHORIZE ".Length..];
            await page.GotoAsync(url);
            if (round == 1)
            {
                await page.GetByLabel("Username").FillAsync(user.UserId);
                await page.GetByLabel("Password").FillAsync(LiveServer.Password);
                await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign in" }).ClickAsync();
                await page.GetByText("Allow access?").WaitForAsync();
                await page.ScreenshotAsync(new PageScreenshotOptions
                {
                    Path = Path.Combine(LiveBrowserFixture.ScreenshotDirectory, "oauth-consent.png"), FullPage = true,
                });
            }

            await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Allow" }).ClickAsync();
            await page.WaitForURLAsync(u => u.StartsWith(RedirectUri, StringComparison.Ordinal));
            await node.WriteLineAsync("CALLBACK " + page.Url);
        }

        await node.WaitForLineAsync("OAUTH DONE");
        var output = node.Output;
        Assert.True(output.Contains("wrong PKCE verifier refused: OAuth2HTTPError invalid_grant", StringComparison.Ordinal), output);
        Assert.True(output.Contains("token_type Bearer, scope urn:matrix:client:api:* urn:matrix:client:device:", StringComparison.Ordinal), output);
        Assert.True(output.Contains($"whoami {user.UserId} on the scoped device", StringComparison.Ordinal), output);
        Assert.True(output.Contains($"refreshed: whoami {user.UserId}", StringComparison.Ordinal), output);
        Assert.True(output.Contains($"sdk refreshed on its own: whoami {user.UserId}, new token true", StringComparison.Ordinal), output);
        Assert.True(output.Contains("reused code refused: OAuth2HTTPError invalid_grant", StringComparison.Ordinal), output);
        Assert.True(output.Contains("token after the code was replayed refused: MatrixError M_UNKNOWN_TOKEN", StringComparison.Ordinal), output);
        Assert.True(output.Contains("revoked access token refused: MatrixError M_UNKNOWN_TOKEN", StringComparison.Ordinal), output);
        Assert.True(output.Contains("revoked refresh token refused: TokenRefreshLogoutError", StringComparison.Ordinal), output);
        livePage.AssertNoPageErrors();
    }
}
