using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Http;
using Homeserver.Services.Configuration;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

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

    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    public static WebApplication MapLiveClient(this WebApplication app, HomeserverSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var files = new LiveClientFiles(settings.Live.ClientDirectory);
        var config = new JsonObject { ["default_room"] = settings.Live.DefaultRoom }.ToJsonString();

        // GET /live/config.json
        app.MapGet("/live/config.json", (HttpContext context) =>
        {
            AddSecurityHeaders(context.Response);
            context.Response.Headers.CacheControl = "no-cache";
            return Results.Text(config, "application/json");
        });

        // GET /live/{path}: the built client's files; the directory itself is index.html. Routing matches /live and
        // /live/ alike: /live redirects, since the client's assets are relative to /live/.
        app.MapGet("/live/{**path}", (HttpContext context, string? path) =>
        {
            AddSecurityHeaders(context.Response);
            if (context.Request.Path.Value is "/live")
            {
                return Results.Redirect("/live/" + context.Request.QueryString.Value).ExecuteAsync(context);
            }

            var provider = files.Provider();
            if (provider is null)
            {
                return MatrixErrorWriter.WriteAsync(context, 404, ErrorCode.NotFound,
                    "The live-event web client is not built: run `npm ci && npm run build` in src/LiveChat, " +
                    "or set Live:ClientDirectory to its built files");
            }

            var relative = string.IsNullOrEmpty(path) ? "index.html" : path;
            var file = provider.GetFileInfo(relative);
            if (!file.Exists || file.IsDirectory || file.PhysicalPath is null)
            {
                return MatrixErrorWriter.WriteAsync(context, 404, ErrorCode.NotFound, "No such file in the live client");
            }

            // Vite names assets by content hash: they never change; index.html names the current ones.
            context.Response.Headers.CacheControl = relative.StartsWith("assets/", StringComparison.Ordinal)
                ? "public, max-age=31536000, immutable"
                : "no-cache";
            var contentType = ContentTypes.TryGetContentType(file.Name, out var type) ? type : "application/octet-stream";
            return Results.File(file.PhysicalPath, contentType, lastModified: file.LastModified,
                entityTag: new EntityTagHeaderValue($"\"{file.LastModified.ToUnixTimeMilliseconds():x}-{file.Length:x}\""))
                .ExecuteAsync(context);
        });
        return app;
    }

    private static void AddSecurityHeaders(HttpResponse response)
    {
        response.Headers.StrictTransportSecurity = "max-age=31536000";
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
    }
}

/// <summary>
/// Where the built client is: <c>Live:ClientDirectory</c> when set, else <c>src/LiveChat/dist</c> in the first
/// directory, walking up from the working directory and then from the program's own, that has it built. Looked up
/// again until found, so a client built after the server started is served without a restart.
/// </summary>
internal sealed class LiveClientFiles(string configuredDirectory)
{
    private static readonly string RelativeDist = Path.Combine("src", "LiveChat", "dist");
    private PhysicalFileProvider? _provider;

    public PhysicalFileProvider? Provider()
    {
        if (_provider is not null)
        {
            return _provider;
        }

        var directory = Find(configuredDirectory, Environment.CurrentDirectory, AppContext.BaseDirectory);
        return directory is null ? null : _provider ??= new PhysicalFileProvider(directory);
    }

    public static string? Find(string configuredDirectory, params string[] startDirectories)
    {
        if (configuredDirectory.Length > 0)
        {
            return File.Exists(Path.Combine(configuredDirectory, "index.html")) ? configuredDirectory : null;
        }

        foreach (var start in startDirectories)
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, RelativeDist);
                if (File.Exists(Path.Combine(candidate, "index.html")))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
