namespace Homeserver.Host.Hosting;

/// <summary>
/// Serves the admin web page (src/AdminPage: plain HTML, CSS and JavaScript modules calling the Synapse admin API) at
/// <c>/admin/</c>, with HSTS and a Content-Security-Policy stricter than the live client's.
/// </summary>
public static class AdminPageHosting
{
    /// <summary>
    /// Nothing unless named: scripts, styles and API calls from this origin only, images from it or data: URLs, nothing
    /// inline, no eval, no form posts, no framing. The page shows server data (hostile user and room names) as text
    /// only; this policy is the second wall if that ever slips.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>Where the page's files are: src/AdminPage in the repository (running from a checkout), else the
    /// admin/ directory that <c>dotnet publish</c> puts beside the program (Homeserver.Host.csproj ships it).</summary>
    internal static StaticSiteFiles Files { get; } = new("", Path.Combine("src", "AdminPage"), besideProgram: "admin");

    public static WebApplication MapAdminPage(this WebApplication app)
    {
        // GET /admin/{path}: no file names carry a content hash, so every file is revalidated on each use.
        app.MapStaticSite(new StaticSite("/admin", ContentSecurityPolicy, Files,
            "The admin page's files are missing: expected src/AdminPage in the repository or admin/ beside the program",
            IsImmutable: _ => false));
        return app;
    }
}
