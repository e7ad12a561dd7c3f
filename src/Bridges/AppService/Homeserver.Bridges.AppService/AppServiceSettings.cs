using Microsoft.Extensions.Configuration;

namespace Homeserver.Bridges.AppService;

/// <summary>
/// What every appservice built on this SDK is configured with, read from one configuration section (a bridge's
/// prefix, e.g. <c>DiscordBridge</c>): <c>Homeserver:Url</c> (the Client-Server API base URL: the seam that points
/// the SDK at any homeserver), <c>Homeserver:ServerName</c>, <c>Registration</c> (the registration file),
/// <c>Listen</c> (where the appservice's HTTP side listens), <c>Database:ConnectionString</c> (Postgres; empty or
/// missing: a SQLite file) and <c>DataDirectory</c> (where that file lives).
/// </summary>
public sealed record AppServiceSettings(
    Uri HomeserverUrl,
    string ServerName,
    string RegistrationFile,
    Uri Listen,
    AppServiceDatabaseSettings Database)
{
    /// <summary>Where the appservice keeps its files (the SQLite database among them).</summary>
    public string DataDirectory => Database.DataDirectory;

    /// <summary>
    /// Reads the settings from <paramref name="section"/>; throws naming every missing or invalid key.
    /// <paramref name="name"/> (default: the section's name in lower case) names the SQLite file and the default data
    /// directory, <c>&lt;per-user data directory&gt;/&lt;name&gt;</c>.
    /// </summary>
    public static AppServiceSettings Read(IConfigurationSection section, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(section);
        var problems = new List<string>();
        var url = AbsoluteUrl(section, "Homeserver:Url", problems);
        var serverName = Required(section, "Homeserver:ServerName", problems);
        var registration = Required(section, "Registration", problems);
        var listen = AbsoluteUrl(section, "Listen", problems);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, problems));
        }

        name ??= section.Key.ToLowerInvariant();
        var dataDirectory = section["DataDirectory"] is { } configured && !string.IsNullOrWhiteSpace(configured)
            ? configured
            : AppServiceDatabaseSettings.DefaultDataDirectory(name);
        var database = new AppServiceDatabaseSettings(section["Database:ConnectionString"]?.Trim() ?? "", dataDirectory, name);
        return new AppServiceSettings(url!, serverName!, registration!, listen!, database);
    }

    private static string? Required(IConfigurationSection section, string key, List<string> problems)
    {
        var value = section[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            problems.Add($"{section.Path}:{key} is required");
            return null;
        }

        return value;
    }

    private static Uri? AbsoluteUrl(IConfigurationSection section, string key, List<string> problems)
    {
        var text = Required(section, key, problems);
        if (text is null)
        {
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            problems.Add($"{section.Path}:{key} must be an http(s) URL, not '{text}'");
            return null;
        }

        return uri;
    }
}
