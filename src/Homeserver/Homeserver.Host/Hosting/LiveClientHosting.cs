using System.Text.Json.Nodes;
using Homeserver.Services.Configuration;

namespace Homeserver.Host.Hosting;

/// <summary>
/// Serves the live-event web client (src/LiveChat, docs/LIVE.md) at <c>/live/</c> from its built files, with HSTS and a
/// strict Content-Security-Policy, and <c>/live/config.json</c> (the room it opens when its URL names none). Without
/// the built files, <c>/live/</c> answers 404 saying so.
/// </summary>
public static class LiveClientHosting
{
    /// <summary>
    /// Everything from this origin only, nothing inline, no eval, no plugins, no framing. 'wasm-unsafe-eval' lets the
    /// page compile WebAssembly (the Rust crypto of encrypted rooms, a file of this origin too); JavaScript eval stays
    /// refused.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' blob: data:; " +
        "media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; " +
        "form-action 'self'";

    public static WebApplication MapLiveClient(this WebApplication app, HomeserverSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var config = new JsonObject { ["default_room"] = settings.Live.DefaultRoom }.ToJsonString();

        // GET /live/config.json
        app.MapGet("/live/config.json", (HttpContext context) =>
        {
            StaticSiteHosting.AddSecurityHeaders(context.Response, ContentSecurityPolicy);
            context.Response.Headers.CacheControl = "no-cache";
            return Results.Text(config, "application/json");
        });

        // GET /live/{path}: the built client's files. Vite names assets by content hash: they never change; index.html
        // names the current ones.
        app.MapStaticSite(new StaticSite("/live", ContentSecurityPolicy, LiveClientFiles.For(settings.Live.ClientDirectory),
            "The live-event web client is not built: run `npm ci && npm run build` in src/LiveChat, " +
            "or set Live:ClientDirectory to its built files",
            IsImmutable: path => path.StartsWith("assets/", StringComparison.Ordinal)));
        return app;
    }
}

/// <summary>
/// Where the built client is: <c>Live:ClientDirectory</c> when set, else <c>src/LiveChat/dist</c> in the first
/// directory, walking up from the working directory and then from the program's own, that has it built.
/// </summary>
internal static class LiveClientFiles
{
    private static readonly string RelativeDist = Path.Combine("src", "LiveChat", "dist");

    public static StaticSiteFiles For(string configuredDirectory) => new(configuredDirectory, RelativeDist);

    public static string? Find(string configuredDirectory, params string[] startDirectories) =>
        For(configuredDirectory).Find(AppContext.BaseDirectory, startDirectories);
}
