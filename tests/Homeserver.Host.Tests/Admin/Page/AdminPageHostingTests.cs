using System.Net;
using System.Text.RegularExpressions;
using Homeserver.Host.Hosting;
using Homeserver.Host.Tests.Support;
using Homeserver.Testing;

namespace Homeserver.Host.Tests.Admin.Page;

/// <summary>
/// The admin page at /admin/ over HTTP: its files with the strict CSP, HSTS, nosniff and no referrer, every module it
/// names served as JavaScript, its sources free of inline code and markup sinks, and its files found from the
/// repository and in the build output (where <c>dotnet publish</c> takes them from).
/// </summary>
public sealed partial class AdminPageHostingTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private const string ExpectedPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private LiveServer Server => fixture.Server;

    private static string SourceDirectory { get; } =
        AdminPageHosting.Files.Find(AppContext.BaseDirectory, AppContext.BaseDirectory) ?? throw new InvalidOperationException("src/AdminPage not found");

    private static void AssertSecurityHeaders(HttpResponseMessage response)
    {
        Assert.Equal(ExpectedPolicy, string.Join(",", response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("max-age=31536000", string.Join(",", response.Headers.GetValues("Strict-Transport-Security")));
        Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", string.Join(",", response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task Admin_page_is_served_with_the_strict_csp_hsts_nosniff_and_no_referrer()
    {
        using var page = await Server.Anonymous.GetAsync("/admin/");
        using var script = await Server.Anonymous.GetAsync("/admin/app.js");
        using var style = await Server.Anonymous.GetAsync("/admin/admin.css");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<title>Homeserver admin</title>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Equal("text/css", style.Content.Headers.ContentType?.MediaType);
        foreach (var response in new[] { page, script, style })
        {
            AssertSecurityHeaders(response);
            Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        }
    }

    [Fact]
    public async Task Admin_without_a_slash_redirects_to_admin_slash()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false })
        {
            BaseAddress = Server.Instance.Addresses[0],
        };

        using var response = await http.GetAsync("/admin");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/admin/", response.Headers.Location?.OriginalString);
        AssertSecurityHeaders(response);
    }

    [Theory]
    [InlineData("/admin/nope.js")]
    [InlineData("/admin/%2e%2e/%2e%2e/README.md")]
    public async Task Paths_that_are_no_file_of_the_page_answer_404_with_the_same_headers(string path)
    {
        using var response = await Server.Anonymous.GetAsync(path);
        var (status, body) = await Server.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains(body.GetProperty("errcode").GetString(), new[] { "M_NOT_FOUND", "M_UNRECOGNIZED" });
        if (response.Headers.Contains("Content-Security-Policy"))
        {
            AssertSecurityHeaders(response);
        }
    }

    [Fact]
    public async Task Every_script_stylesheet_and_module_import_of_the_page_is_served_with_its_type()
    {
        var named = new List<string>();
        named.AddRange(Attribute().Matches(await File.ReadAllTextAsync(Path.Combine(SourceDirectory, "index.html")))
            .Select(m => m.Groups[1].Value).Where(v => !v.StartsWith("data:", StringComparison.Ordinal) && !v.StartsWith('#')));
        foreach (var module in Directory.GetFiles(SourceDirectory, "*.js"))
        {
            named.AddRange(Import().Matches(await File.ReadAllTextAsync(module)).Select(m => m.Groups[1].Value));
        }

        Assert.Contains("app.js", named);
        Assert.Contains("./api.js", named);
        foreach (var file in named.Distinct())
        {
            using var response = await Server.Anonymous.GetAsync("/admin/" + file.TrimStart('.', '/'));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{file}: {response.StatusCode}");
            Assert.Equal(file.EndsWith(".css", StringComparison.Ordinal) ? "text/css" : "text/javascript",
                response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public void Page_sources_have_no_inline_code_no_markup_sinks_and_no_eval()
    {
        var html = File.ReadAllText(Path.Combine(SourceDirectory, "index.html"));
        Assert.DoesNotMatch(@"<script(?![^>]*\bsrc=)[^>]*>", html);
        Assert.DoesNotMatch(@"<style|\sstyle=|\son[a-z]+=|javascript:", html);
        foreach (var module in Directory.GetFiles(SourceDirectory, "*.js"))
        {
            var code = File.ReadAllText(module);
            Assert.DoesNotMatch(@"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function|" +
                                @"createContextualFragment|DOMParser|setAttribute\(\s*[""']style", code);
        }
    }

    [Fact]
    public void Page_is_found_in_the_repository_and_beside_the_built_program()
    {
        Assert.True(File.Exists(Path.Combine(SourceDirectory, "app.js")));
        Assert.EndsWith(Path.Combine("src", "AdminPage"), SourceDirectory, StringComparison.Ordinal);
        // Homeserver.Host.csproj ships the page as admin/ in its output, which dotnet publish copies as well.
        foreach (var file in Directory.GetFiles(SourceDirectory).Select(Path.GetFileName))
        {
            Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "admin", file!)), $"admin/{file} not in the build output");
        }

        using var published = new TempDirectory();
        var program = Path.Combine(published.Path, "app");
        Directory.CreateDirectory(Path.Combine(program, "admin"));
        File.WriteAllText(Path.Combine(program, "admin", "index.html"), "<!doctype html>");
        var repositoryPath = Path.Combine("src", "AdminPage");
        Assert.Null(new StaticSiteFiles("", repositoryPath).Find(program, program));
        Assert.Equal(Path.Combine(program, "admin"), new StaticSiteFiles("", repositoryPath, "admin").Find(program, program));
    }

    [GeneratedRegex(@"(?:src|href)=""([^""]+)""")]
    private static partial Regex Attribute();

    [GeneratedRegex(@"from\s+""([^""]+)""")]
    private static partial Regex Import();
}
