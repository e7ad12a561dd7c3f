using System.Net;
using System.Text.Json;
using Homeserver.Host.Hosting;
using Homeserver.Host.Tests.Support;
using Homeserver.Testing;

namespace Homeserver.Host.Tests.Live;

/// <summary>
/// The web client at /live/ (docs/LIVE.md): its files with HSTS and a strict CSP, config.json naming the default room,
/// and a clear 404 when it is not built. The client here is a stand-in directory, so these tests need no npm build.
/// </summary>
public sealed class LiveClientHostingTests
{
    private static TempDirectory BuiltClient()
    {
        var directory = new TempDirectory();
        File.WriteAllText(Path.Combine(directory.Path, "index.html"), "<!doctype html><title>live</title>");
        Directory.CreateDirectory(Path.Combine(directory.Path, "assets"));
        File.WriteAllText(Path.Combine(directory.Path, "assets", "index-abc123.js"), "console.log('live');");
        File.WriteAllText(Path.Combine(directory.Path, "assets", "crypto-abc123.wasm"), "\0asm");
        return directory;
    }

    private static void AssertSecurityHeaders(HttpResponseMessage response)
    {
        Assert.Equal("max-age=31536000", string.Join(",", response.Headers.GetValues("Strict-Transport-Security")));
        var csp = string.Join(",", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Equal(LiveClientHosting.ContentSecurityPolicy, csp);
        foreach (var directive in new[]
                 {
                     "default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "style-src 'self'", "img-src 'self' blob: data:",
                     "media-src 'self' blob:", "connect-src 'self'", "object-src 'none'", "base-uri 'none'",
                     "frame-ancestors 'none'", "form-action 'self'",
                 })
        {
            Assert.Contains(directive, csp.Split("; "));
        }

        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("'unsafe-eval'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", string.Join(",", response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task Live_client_index_is_served_with_hsts_a_strict_csp_nosniff_and_no_referrer()
    {
        using var client = BuiltClient();
        await using var server = await LiveServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Live:ClientDirectory"] = client.Path,
        });

        using var response = await server.Anonymous.GetAsync("/live/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<title>live</title>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        AssertSecurityHeaders(response);
    }

    [Fact]
    public async Task Live_client_assets_are_served_with_their_types_and_cached_for_good()
    {
        using var client = BuiltClient();
        await using var server = await LiveServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Live:ClientDirectory"] = client.Path,
        });

        using var script = await server.Anonymous.GetAsync("/live/assets/index-abc123.js");
        using var wasm = await server.Anonymous.GetAsync("/live/assets/crypto-abc123.wasm");

        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Contains("immutable", script.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        AssertSecurityHeaders(script);
        Assert.Equal("application/wasm", wasm.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Config_json_names_the_configured_default_room()
    {
        using var client = BuiltClient();
        await using var server = await LiveServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Live:ClientDirectory"] = client.Path,
            ["Live:DefaultRoom"] = "#festival:localhost",
        });

        using var response = await server.Anonymous.GetAsync("/live/config.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("#festival:localhost", body.RootElement.GetProperty("default_room").GetString());
        AssertSecurityHeaders(response);
    }

    [Fact]
    public async Task Config_json_without_a_default_room_says_null()
    {
        using var client = BuiltClient();
        await using var server = await LiveServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Live:ClientDirectory"] = client.Path,
        });

        var (status, body) = await server.GetAsync("/live/config.json");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("default_room").ValueKind);
    }

    [Fact]
    public async Task Live_without_a_slash_redirects_to_live_slash_keeping_the_room()
    {
        using var client = BuiltClient();
        await using var server = await LiveServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Live:ClientDirectory"] = client.Path,
        });
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false })
        {
            BaseAddress = server.Instance.Addresses[0],
        };

        using var response = await http.GetAsync("/live?room=%23festival:localhost");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/live/?room=%23festival:localhost", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Live_client_not_built_answers_404_saying_so_not_500()
    {
        using var empty = new TempDirectory();
        await using var server = await LiveServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Live:ClientDirectory"] = Path.Combine(empty.Path, "dist"),
        });

        using var response = await server.Anonymous.GetAsync("/live/");
        var (_, body) = await server.GetAsync("/live/");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("M_NOT_FOUND", body.GetProperty("errcode").GetString());
        Assert.Contains("not built", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        AssertSecurityHeaders(response);
    }

    [Theory]
    [InlineData("/live/nope.js")]
    [InlineData("/live/%2e%2e/%2e%2e/etc/passwd")]
    [InlineData("/live/assets")]
    public async Task Paths_that_are_no_file_of_the_client_answer_404(string path)
    {
        using var client = BuiltClient();
        await using var server = await LiveServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Live:ClientDirectory"] = client.Path,
        });

        var (status, body) = await server.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains(body.GetProperty("errcode").GetString(), new[] { "M_NOT_FOUND", "M_UNRECOGNIZED" });
    }

    [Fact]
    public void Built_client_is_found_walking_up_from_a_start_directory()
    {
        using var repository = new TempDirectory();
        var dist = Path.Combine(repository.Path, "src", "LiveChat", "dist");
        Directory.CreateDirectory(dist);
        var deep = Path.Combine(repository.Path, "tests", "X", "bin", "Release");
        Directory.CreateDirectory(deep);

        Assert.Null(LiveClientFiles.Find("", deep));
        File.WriteAllText(Path.Combine(dist, "index.html"), "<!doctype html>");
        Assert.Equal(dist, LiveClientFiles.Find("", Path.Combine(repository.Path, "nowhere"), deep));
        Assert.Null(LiveClientFiles.Find(Path.Combine(repository.Path, "elsewhere"), deep));
    }
}
