using Homeserver.Core.Errors;
using Homeserver.Http;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Homeserver.Host.Hosting;

/// <summary>
/// A browser page the server hands out as static files under one path (the live client at <c>/live/</c>, the admin
/// page at <c>/admin/</c>): its own Content-Security-Policy, HSTS, no sniffing and no referrer on every answer.
/// </summary>
/// <param name="Prefix">The URL path it is served under, without the trailing slash (<c>/live</c>).</param>
/// <param name="ContentSecurityPolicy">The policy sent with each of its files.</param>
/// <param name="Files">Where its files are.</param>
/// <param name="NotBuiltMessage">The 404's message when its files are nowhere to be found.</param>
/// <param name="IsImmutable">Files (by path relative to the site) whose names change with their content, cached for
/// good; everything else is revalidated on each use.</param>
internal sealed record StaticSite(string Prefix, string ContentSecurityPolicy, StaticSiteFiles Files,
    string NotBuiltMessage, Func<string, bool> IsImmutable);

internal static class StaticSiteHosting
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    /// <summary>
    /// GET {prefix}/{path}: the site's files; the directory itself is index.html. Routing matches {prefix} and
    /// {prefix}/ alike: {prefix} redirects, since a page's assets are relative to {prefix}/.
    /// </summary>
    public static void MapStaticSite(this IEndpointRouteBuilder app, StaticSite site)
    {
        app.MapGet(site.Prefix + "/{**path}", (HttpContext context, string? path) =>
        {
            AddSecurityHeaders(context.Response, site.ContentSecurityPolicy);
            if (context.Request.Path.Value == site.Prefix)
            {
                return Results.Redirect(site.Prefix + "/" + context.Request.QueryString.Value).ExecuteAsync(context);
            }

            var provider = site.Files.Provider();
            if (provider is null)
            {
                return MatrixErrorWriter.WriteAsync(context, 404, ErrorCode.NotFound, site.NotBuiltMessage);
            }

            var relative = string.IsNullOrEmpty(path) ? "index.html" : path;
            var file = provider.GetFileInfo(relative);
            if (!file.Exists || file.IsDirectory || file.PhysicalPath is null)
            {
                return MatrixErrorWriter.WriteAsync(context, 404, ErrorCode.NotFound, "No such file in " + site.Prefix + "/");
            }

            context.Response.Headers.CacheControl = site.IsImmutable(relative) ? "public, max-age=31536000, immutable" : "no-cache";
            var contentType = ContentTypes.TryGetContentType(file.Name, out var type) ? type : "application/octet-stream";
            return Results.File(file.PhysicalPath, contentType, lastModified: file.LastModified,
                entityTag: new EntityTagHeaderValue($"\"{file.LastModified.ToUnixTimeMilliseconds():x}-{file.Length:x}\""))
                .ExecuteAsync(context);
        });
    }

    public static void AddSecurityHeaders(HttpResponse response, string contentSecurityPolicy)
    {
        response.Headers.StrictTransportSecurity = "max-age=31536000";
        response.Headers.ContentSecurityPolicy = contentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
    }
}

/// <summary>
/// Where a site's files are: the configured directory when set, else <paramref name="repositoryPath"/> (a path inside
/// the repository, e.g. <c>src/LiveChat/dist</c>) in the first directory, walking up from the working directory and
/// then from the program's own, that has it, else <paramref name="besideProgram"/> in the program's directory (where
/// <c>dotnet publish</c> puts files the project ships). Looked up again until found, so files built after the server
/// started are served without a restart.
/// </summary>
internal sealed class StaticSiteFiles(string configuredDirectory, string repositoryPath, string? besideProgram = null)
{
    private PhysicalFileProvider? _provider;

    public PhysicalFileProvider? Provider()
    {
        if (_provider is not null)
        {
            return _provider;
        }

        var directory = Find(AppContext.BaseDirectory, Environment.CurrentDirectory, AppContext.BaseDirectory);
        return directory is null ? null : _provider ??= new PhysicalFileProvider(directory);
    }

    public string? Find(string programDirectory, params string[] startDirectories)
    {
        if (configuredDirectory.Length > 0)
        {
            return HasIndex(configuredDirectory) ? configuredDirectory : null;
        }

        foreach (var start in startDirectories)
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, repositoryPath);
                if (HasIndex(candidate))
                {
                    return candidate;
                }
            }
        }

        var shipped = besideProgram is null ? null : Path.Combine(programDirectory, besideProgram);
        return shipped is not null && HasIndex(shipped) ? shipped : null;
    }

    private static bool HasIndex(string directory) => File.Exists(Path.Combine(directory, "index.html"));
}
