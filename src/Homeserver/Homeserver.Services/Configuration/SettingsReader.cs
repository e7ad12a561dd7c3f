using System.Data.Common;
using Homeserver.Core.Identifiers;
using Microsoft.Extensions.Configuration;

namespace Homeserver.Services.Configuration;

/// <summary>
/// Reads the <c>Homeserver</c> configuration section into <see cref="HomeserverSettings"/>, collecting
/// every unknown key and invalid value with a message naming the key.
/// </summary>
public static class SettingsReader
{
    public const string SectionName = "Homeserver";

    /// <summary>Every key the server understands, relative to the section, with its default.</summary>
    public static readonly IReadOnlyDictionary<string, string> Defaults =
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["ServerName"] = "localhost",
            ["DataDirectory"] = "./data",
            ["Database:ConnectionString"] = "",
            ["Redis:Configuration"] = "",
            ["Listen:Client"] = "http://127.0.0.1:8008",
            ["Listen:Federation"] = "https://127.0.0.1:8448",
            ["Listen:Metrics"] = "",
            ["Telemetry:OtlpEndpoint"] = "",
            ["Telemetry:OtlpProtocol"] = "grpc",
            ["Tls:CertificatePath"] = "",
            ["Tls:KeyPath"] = "",
            ["Registration:Enabled"] = "false",
            ["Registration:RequireToken"] = "false",
            ["Registration:AllowGuests"] = "false",
            ["Registration:SharedSecret"] = "",
            ["Security:PasswordHashIterations"] = "210000",
            ["Tokens:AccessTokenLifetimeSeconds"] = "300",
            ["RateLimits:Enabled"] = "true",
            ["RateLimits:Login:PerSecond"] = "0.17",
            ["RateLimits:Login:Burst"] = "3",
            ["RateLimits:Registration:PerSecond"] = "0.17",
            ["RateLimits:Registration:Burst"] = "3",
            ["RateLimits:LoginAccount:PerSecond"] = "0.003",
            ["RateLimits:LoginAccount:Burst"] = "5",
            ["RateLimits:FailedPassword:PerSecond"] = "0.17",
            ["RateLimits:FailedPassword:Burst"] = "3",
            ["RateLimits:Message:PerSecond"] = "0.2",
            ["RateLimits:Message:Burst"] = "10",
            ["RateLimits:PasswordHashing:Concurrency"] = "0",
            ["RateLimits:PasswordHashing:MaxQueued"] = "32",
            ["Limits:MaxRequestBodyBytes"] = "4194304",
            ["WellKnown:ClientBaseUrl"] = "",
            ["WellKnown:Server"] = "",
            ["Logging:Format"] = "text",
            ["Logging:Level"] = "information",
            ["SigningKeyPath"] = "",
            ["Rooms:DefaultVersion"] = "12",
            ["Rooms:HeadCacheStateEntries"] = "200000",
            ["Presence:Enabled"] = "true",
            ["Profiles:LimitToUsersWhoShareRooms"] = "false",
            ["Media:MaxUploadBytes"] = "52428800",
            ["Media:FreezeUnauthenticated"] = "false",
            ["Media:MaxThumbnailPixels"] = "32000000",
            ["Media:MaxPendingUploads"] = "5",
            ["Media:UnusedExpirySeconds"] = "86400",
            ["Media:ThumbnailConcurrency"] = "0",
            ["Media:MaxBytesPerUser"] = "0",
            ["Media:UploadsPerSecond"] = "10",
            ["Media:UploadBurst"] = "50",
            ["Media:LocalRetentionDays"] = "0",
            ["Media:RemoteRetentionDays"] = "0",
            ["Media:UrlPreview:Enabled"] = "true",
            ["Media:UrlPreview:MaxBytes"] = "10485760",
            ["Media:UrlPreview:TimeoutSeconds"] = "10",
            ["Voip:TurnUris"] = "",
            ["Voip:TurnSharedSecret"] = "",
            ["Voip:TurnUsername"] = "",
            ["Voip:TurnPassword"] = "",
            ["Voip:TurnUserLifetimeSeconds"] = "86400",
            ["Voip:TurnAllowGuests"] = "true",
            ["WellKnown:SupportAdminMatrixId"] = "",
            ["WellKnown:SupportAdminEmail"] = "",
            ["WellKnown:SupportPage"] = "",
            ["Rooms:ForgetRoomsOnLeave"] = "false",
            ["DelayedEvents:MaxDelaySeconds"] = "86400",
            ["Live:DefaultRoom"] = "",
            ["Live:ClientDirectory"] = "",
            ["Live:WebhookPostsPerSecond"] = "1",
            ["Live:WebhookPostBurst"] = "10",
            ["ServerNotices:SystemMxidLocalpart"] = "notices",
            ["ServerNotices:SystemMxidDisplayName"] = "",
            ["ServerNotices:RoomName"] = "Server Notices",
            ["Federation:VerifyCertificates"] = "true",
            ["Federation:TrustedCaFile"] = "",
            ["Federation:ConnectTimeoutSeconds"] = "10",
            ["Federation:RequestTimeoutSeconds"] = "60",
            ["Federation:MaxResponseBytes"] = "104857600",
            ["Federation:MaxConcurrentRequestsPerDestination"] = "8",
            ["Federation:BackoffMinSeconds"] = "600",
            ["Federation:BackoffMaxSeconds"] = "604800",
            ["Federation:InboundRequestsPerSecond"] = "50",
            ["Federation:InboundRequestBurst"] = "200",
            ["Sso:Steam:Enabled"] = "false",
            ["Sso:Steam:OpenIdUrl"] = "https://steamcommunity.com/openid/login",
            ["Sso:Steam:WebApiBaseUrl"] = "https://api.steampowered.com",
            ["Sso:Steam:WebApiKey"] = "",
            ["Sso:Steam:AppId"] = "",
        };

    /// <summary>Keys holding a list, one item per index (<c>Key:0</c>, <c>Key:1</c>...); empty by default.</summary>
    public static readonly IReadOnlySet<string> ListKeys = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "Media:UrlPreview:DeniedRanges",
        "Media:UrlPreview:AllowedRanges",
        "Media:UrlPreview:DeniedUrlPatterns",
        "Federation:AllowedServers",
        "Federation:DeniedServers",
        AppServices.AppServiceSettingsReader.ConfigFilesKey,
    };

    public static HomeserverSettings Read(IConfiguration configuration, string workingDirectory)
    {
        var (settings, errors) = TryRead(configuration, workingDirectory);
        return settings ?? throw new InvalidSettingException(string.Join(Environment.NewLine, errors));
    }

    public static (HomeserverSettings? Settings, IReadOnlyList<string> Errors) TryRead(
        IConfiguration configuration, string workingDirectory)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(SectionName);
        var errors = new List<string>();
        foreach (var (path, value) in section.AsEnumerable(makePathsRelative: true))
        {
            if (value is not null && !Defaults.ContainsKey(path) && !IsListItem(path) && !KeyServerSettingsReader.Owns(path) &&
                !path.StartsWith(FederationClientSettings.HostOverridesPrefix, StringComparison.OrdinalIgnoreCase))
            {
                errors.Add(InvalidSettingException.Describe($"{SectionName}:{path}",
                    "unknown setting (known: " + string.Join(", ", Defaults.Keys) + ")"));
            }
        }

        var reader = new ValueReader(section, errors);
        var serverName = reader.Parse<ServerName>("ServerName", text =>
            ServerName.TryParse(text, out var name, out var problem) ? (name, null) : (default, problem));
        var dataDirectory = reader.Parse("DataDirectory", text =>
            text.Length == 0 ? ("", "cannot be empty") : (Path.GetFullPath(text, workingDirectory), null));
        var connectionString = reader.Parse("Database:ConnectionString", ParseConnectionString);
        var redis = reader.Parse("Redis:Configuration", ParseRedisConfiguration);
        var clientUrl = reader.Parse("Listen:Client", text => ParseListenUrl(text, allowEmpty: false));
        var federationUrl = reader.Parse("Listen:Federation", text => ParseListenUrl(text, allowEmpty: true));
        var telemetry = TelemetrySettingsReader.Read(reader, clientUrl, federationUrl);
        var certificate = reader.Parse("Tls:CertificatePath", text => ParseOptionalFile(text, workingDirectory));
        var key = reader.Parse("Tls:KeyPath", text => ParseOptionalFile(text, workingDirectory));
        if ((certificate is null) != (key is null))
        {
            errors.Add(InvalidSettingException.Describe($"{SectionName}:Tls:KeyPath",
                "Tls:CertificatePath and Tls:KeyPath must be set together"));
        }

        var registrationEnabled = reader.Parse("Registration:Enabled", ParseBool);
        var requireToken = reader.Parse("Registration:RequireToken", ParseBool);
        var allowGuests = reader.Parse("Registration:AllowGuests", ParseBool);
        var sharedSecret = reader.Parse("Registration:SharedSecret", text => (text.Length == 0 ? null : text, (string?)null));
        var iterations = reader.Parse("Security:PasswordHashIterations", text => ParseInteger(text, 1_000, 10_000_000));
        var tokenLifetime = reader.Parse("Tokens:AccessTokenLifetimeSeconds", text => ParseInteger(text, 10, 31_536_000));
        var rateLimited = reader.Parse("RateLimits:Enabled", ParseBool);
        var loginRate = reader.Parse("RateLimits:Login:PerSecond", ParseRate);
        var loginBurst = reader.Parse("RateLimits:Login:Burst", text => ParseInteger(text, 1, 1_000_000));
        var registrationRate = reader.Parse("RateLimits:Registration:PerSecond", ParseRate);
        var registrationBurst = reader.Parse("RateLimits:Registration:Burst", text => ParseInteger(text, 1, 1_000_000));
        var loginAccount = reader.Parse("RateLimits:LoginAccount:PerSecond", ParseRate);
        var loginAccountBurst = reader.Parse("RateLimits:LoginAccount:Burst", text => ParseInteger(text, 1, 1_000_000));
        var failedPassword = reader.Parse("RateLimits:FailedPassword:PerSecond", ParseRate);
        var failedPasswordBurst = reader.Parse("RateLimits:FailedPassword:Burst", text => ParseInteger(text, 1, 1_000_000));
        var messageRate = reader.Parse("RateLimits:Message:PerSecond", ParseRate);
        var messageBurst = reader.Parse("RateLimits:Message:Burst", text => ParseInteger(text, 1, 1_000_000));
        var hashThreads = reader.Parse("RateLimits:PasswordHashing:Concurrency", text => ParseInteger(text, 0, 1024));
        var hashQueue = reader.Parse("RateLimits:PasswordHashing:MaxQueued", text => ParseInteger(text, 0, 1_000_000));
        var maxBody = reader.Parse("Limits:MaxRequestBodyBytes", text =>
            long.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 1024
                ? (n, null)
                : (0L, $"'{text}' is not a whole number of bytes of at least 1024"));
        var clientBaseUrl = reader.Parse("WellKnown:ClientBaseUrl", ParseOptionalHttpUrl);
        var wellKnownServer = reader.Parse<string?>("WellKnown:Server", text =>
            text.Length == 0 ? (null, null)
            : ServerName.TryParse(text, out _, out var problem) ? (text, null)
            : (null, problem));
        var logFormat = reader.Parse("Logging:Format", text =>
            Enum.TryParse<LogFormat>(text, ignoreCase: true, out var format)
                ? (format, null)
                : (LogFormat.Text, $"'{text}' is not one of: text, json"));
        var logLevel = reader.Parse("Logging:Level", text =>
            Enum.TryParse<Microsoft.Extensions.Logging.LogLevel>(text, ignoreCase: true, out var level) &&
            level is >= Microsoft.Extensions.Logging.LogLevel.Trace and <= Microsoft.Extensions.Logging.LogLevel.Critical
                ? (level, null)
                : (Microsoft.Extensions.Logging.LogLevel.Information,
                    $"'{text}' is not one of: trace, debug, information, warning, error, critical"));
        var signingKeyPath = reader.Parse("SigningKeyPath", text =>
            ((string?)(text.Length == 0 ? null : Path.GetFullPath(text, workingDirectory)), (string?)null));

        var defaultRoomVersion = reader.Parse("Rooms:DefaultVersion", text =>
            Homeserver.Core.Events.RoomVersions.TryGetConfiguredDefault(text, out var version, out var problem)
                ? (version.Id, (string?)null)
                : ("", problem));

        var headCacheEntries = reader.Parse("Rooms:HeadCacheStateEntries", text => ParseInteger(text, 100, 100_000_000));
        var presenceEnabled = reader.Parse("Presence:Enabled", ParseBool);
        var limitProfiles = reader.Parse("Profiles:LimitToUsersWhoShareRooms", ParseBool);
        var media = ReadMedia(reader);
        var voip = ExtraSettingsReader.ReadVoip(reader);
        var support = ExtraSettingsReader.ReadSupport(reader);
        var forgetOnLeave = reader.Parse("Rooms:ForgetRoomsOnLeave", ParseBool);
        var maxDelay = reader.Parse("DelayedEvents:MaxDelaySeconds", text => ParseInteger(text, 1, 31_536_000));
        var live = ExtraSettingsReader.ReadLive(reader, workingDirectory);
        var serverNotices = ServerNoticesSettings.Read(reader);
        var sso = SsoSettings.Read(reader);
        var federationClient = FederationClientSettingsReader.Read(reader, section, workingDirectory, errors);
        var keyServers = KeyServerSettingsReader.Read(section, errors);
        var federationAccess = FederationAccessSettingsReader.Read(reader);
        var appServices = AppServices.AppServiceSettingsReader.Read(reader,
            serverName.Value is null ? null : serverName, workingDirectory, errors);
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var settings = new HomeserverSettings(
            serverName,
            dataDirectory,
            new DatabaseSettings(connectionString, Path.Combine(dataDirectory, "postgres")),
            new RedisSettings(redis),
            new ListenSettings(clientUrl!, federationUrl),
            new TlsSettings(certificate, key, Path.Combine(dataDirectory, "tls", "federation.pfx")),
            new RegistrationSettings(registrationEnabled, requireToken, allowGuests) { SharedSecret = sharedSecret },
            new SecuritySettings(iterations, TimeSpan.FromSeconds(tokenLifetime)),
            new RateLimitSettings(rateLimited, new RateLimit(loginRate, loginBurst),
                new RateLimit(registrationRate, registrationBurst))
            {
                LoginAccount = new RateLimit(loginAccount, loginAccountBurst),
                FailedPassword = new RateLimit(failedPassword, failedPasswordBurst),
                Message = new RateLimit(messageRate, messageBurst),
                PasswordHashing = new PasswordHashingSettings(
                    hashThreads == 0 ? PasswordHashingSettings.HalfTheCores : hashThreads, hashQueue),
            },
            new LimitSettings(maxBody),
            new WellKnownSettings(clientBaseUrl ?? PublicUrlOf(clientUrl!),
                wellKnownServer ?? DefaultFederationDelegation(serverName, federationUrl)) { Support = support },
            logFormat,
            signingKeyPath ?? Path.Combine(dataDirectory, "signing.key"),
            new RoomSettings(defaultRoomVersion)
            {
                HeadCacheStateEntries = headCacheEntries, ForgetRoomsOnLeave = forgetOnLeave,
            })
        {
            Presence = new PresenceSettings(presenceEnabled),
            Profiles = new ProfileSettings(limitProfiles),
            Media = media,
            Voip = voip,
            DelayedEvents = new DelayedEventSettings(TimeSpan.FromSeconds(maxDelay)),
            LogLevel = logLevel,
            FederationClient = federationClient,
            KeyServers = keyServers,
            FederationAccess = federationAccess,
            AppServices = appServices,
            Live = live,
            Telemetry = telemetry,
            ServerNotices = serverNotices,
            Sso = sso,
        };
        return (settings, errors);
    }

    private static MediaSettings ReadMedia(ValueReader reader)
    {
        var maxUpload = reader.Parse("Media:MaxUploadBytes", text => ParseLong(text, 1, long.MaxValue));
        var freeze = reader.Parse("Media:FreezeUnauthenticated", ParseBool);
        var maxPixels = reader.Parse("Media:MaxThumbnailPixels", text => ParseLong(text, 1, long.MaxValue));
        var pending = reader.Parse("Media:MaxPendingUploads", text => ParseInteger(text, 1, 1_000_000));
        var expiry = reader.Parse("Media:UnusedExpirySeconds", text => ParseInteger(text, 1, 31_536_000));
        var threads = reader.Parse("Media:ThumbnailConcurrency", text => ParseInteger(text, 0, 1024));
        return new MediaSettings(maxUpload, freeze, maxPixels, pending, TimeSpan.FromSeconds(expiry),
            threads == 0 ? PasswordHashingSettings.HalfTheCores : threads)
        {
            Limits = MediaLimitSettingsReader.Read(reader),
            UrlPreview = UrlPreviewSettingsReader.Read(reader),
        };
    }

    private static bool IsListItem(string path)
    {
        var colon = path.LastIndexOf(':');
        return colon > 0 && ListKeys.Contains(path[..colon]) && path[(colon + 1)..].All(char.IsAsciiDigit) &&
               colon < path.Length - 1;
    }

    internal static (long, string?) ParseLong(string text, long min, long max) =>
        long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture,
            out var value) && value >= min && value <= max
            ? (value, null)
            : (0, $"'{text}' is not a whole number from {min} to {max}");

    private static (string, string?) ParseConnectionString(string text)
    {
        if (text.Length == 0)
        {
            return ("", null);
        }

        try
        {
            _ = new DbConnectionStringBuilder { ConnectionString = text };
            return (text, null);
        }
        catch (ArgumentException e)
        {
            return ("", "not a valid connection string: " + e.Message);
        }
    }

    private static (string, string?) ParseRedisConfiguration(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        return text.Length > 0 && parts.Any(p => p.Length == 0)
            ? ("", $"'{text}' has an empty entry; expected host:port[,option=value...]")
            : (text.Trim(), null);
    }

    internal static (Uri?, string?) ParseListenUrl(string text, bool allowEmpty)
    {
        if (text.Length == 0)
        {
            return allowEmpty ? (null, null) : (null, "cannot be empty");
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) ||
            (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return (null, $"'{text}' is not an http:// or https:// URL");
        }

        if (uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.UserInfo.Length > 0)
        {
            return (null, $"'{text}' must be scheme://host:port with no path");
        }

        return (uri, null);
    }

    internal static (Uri?, string?) ParseOptionalHttpUrl(string text)
    {
        if (text.Length == 0)
        {
            return (null, null);
        }

        return Uri.TryCreate(text, UriKind.Absolute, out var uri) &&
               (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? (uri, null)
            : (null, $"'{text}' is not an http:// or https:// URL");
    }

    private static (string?, string?) ParseOptionalFile(string text, string workingDirectory)
    {
        if (text.Length == 0)
        {
            return (null, null);
        }

        var path = Path.GetFullPath(text, workingDirectory);
        return File.Exists(path) ? (path, null) : (null, $"file '{path}' does not exist");
    }

    internal static (int, string?) ParseInteger(string text, int min, int max) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture,
            out var value) && value >= min && value <= max
            ? (value, null)
            : (0, $"'{text}' is not a whole number from {min} to {max}");

    private static (double, string?) ParseRate(string text) =>
        double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture,
            out var value) && value > 0 && double.IsFinite(value)
            ? (value, null)
            : (0, $"'{text}' is not a positive number of requests per second");

    internal static (bool, string?) ParseBool(string text) =>
        bool.TryParse(text, out var value) ? (value, null) : (false, $"'{text}' is not true or false");

    // Wildcard listen addresses are not reachable names; a client on the same machine uses localhost.
    private static Uri PublicUrlOf(Uri listenUrl)
    {
        var host = listenUrl.Host is "0.0.0.0" or "[::]" or "::" ? "localhost" : listenUrl.Host;
        return new UriBuilder(listenUrl.Scheme, host, listenUrl.Port).Uri;
    }

    private static string? DefaultFederationDelegation(ServerName serverName, Uri? federationUrl) =>
        federationUrl is null ? null : $"{serverName.Host}:{federationUrl.Port}";

    /// <summary>Reads one key (falling back to its default) and records a problem under the key's full name.</summary>
    internal sealed class ValueReader(IConfigurationSection section, List<string> errors)
    {
        public T Parse<T>(string key, Func<string, (T Value, string? Problem)> parse)
        {
            var text = (section[key] ?? Defaults[key]).Trim();
            var (value, problem) = parse(text);
            if (problem is not null)
            {
                errors.Add(InvalidSettingException.Describe($"{SectionName}:{key}", problem));
            }

            return value;
        }

        /// <summary>Reads a list key's items in index order; a bad item is recorded under its own key and left out.</summary>
        public IReadOnlyList<T> ParseList<T>(string key, Func<string, (T Value, string? Problem)> parse)
        {
            if (!string.IsNullOrEmpty(section[key]))
            {
                errors.Add(InvalidSettingException.Describe($"{SectionName}:{key}",
                    $"is a list: set {key}:0, {key}:1... (env {key.Replace(":", "__", StringComparison.Ordinal)}__0...)"));
            }

            var items = new List<T>();
            foreach (var child in section.GetSection(key).GetChildren()
                         .Where(c => c.Value is not null && c.Key.All(char.IsAsciiDigit))
                         .OrderBy(c => int.TryParse(c.Key, out var index) ? index : int.MaxValue))
            {
                var (value, problem) = parse(child.Value!.Trim());
                if (problem is not null)
                {
                    errors.Add(InvalidSettingException.Describe($"{SectionName}:{key}:{child.Key}", problem));
                }
                else
                {
                    items.Add(value);
                }
            }

            return items;
        }
    }
}
