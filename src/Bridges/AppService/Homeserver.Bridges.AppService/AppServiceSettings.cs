using Microsoft.Extensions.Configuration;

namespace Homeserver.Bridges.AppService;

/// <summary>
/// What every appservice built on this SDK is configured with, read from one configuration section (a bridge's
/// prefix, e.g. <c>DiscordBridge</c>): <c>Homeserver:Url</c> (the Client-Server API base URL: the seam that points
/// the SDK at any homeserver), <c>Homeserver:ServerName</c>, <c>Registration</c> (the registration file),
/// <c>Listen</c> (where the appservice's HTTP side listens) and <c>Database:ConnectionString</c> (Postgres).
/// </summary>
public sealed record AppServiceSettings(
    Uri HomeserverUrl,
    string ServerName,
    string RegistrationFile,
    Uri Listen,
    string DatabaseConnectionString)
{
    /// <summary>Reads the settings from <paramref name="section"/>; throws naming every missing or invalid key.</summary>
    public static AppServiceSettings Read(IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var problems = new List<string>();
        var url = AbsoluteUrl(section, "Homeserver:Url", problems);
        var serverName = Required(section, "Homeserver:ServerName", problems);
        var registration = Required(section, "Registration", problems);
        var listen = AbsoluteUrl(section, "Listen", problems);
        var database = Required(section, "Database:ConnectionString", problems);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, problems));
        }

        return new AppServiceSettings(url!, serverName!, registration!, listen!, database!);
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
