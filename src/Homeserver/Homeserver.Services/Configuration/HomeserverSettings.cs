using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Configuration;

/// <summary>The validated configuration of one server process (the <c>Homeserver</c> section).</summary>
public sealed record HomeserverSettings(
    ServerName ServerName,
    string DataDirectory,
    DatabaseSettings Database,
    RedisSettings Redis,
    ListenSettings Listen,
    TlsSettings Tls,
    RegistrationSettings Registration,
    SecuritySettings Security,
    RateLimitSettings RateLimits,
    LimitSettings Limits,
    WellKnownSettings WellKnown,
    LogFormat LogFormat,
    string SigningKeyPath,
    RoomSettings Rooms)
{
    public PresenceSettings Presence { get; init; } = PresenceSettings.Default;

    public ProfileSettings Profiles { get; init; } = ProfileSettings.Default;
    public MediaSettings Media { get; init; } = MediaSettings.Default;
    public VoipSettings Voip { get; init; } = VoipSettings.None;

    public DelayedEventSettings DelayedEvents { get; init; } = DelayedEventSettings.Default;

    public FederationClientSettings FederationClient { get; init; } = FederationClientSettings.Default;

    public KeyServerSettings KeyServers { get; init; } = KeyServerSettings.Default;

    public FederationAccessSettings FederationAccess { get; init; } = FederationAccessSettings.Default;

    public AppServices.AppServiceSettings AppServices { get; init; } = Homeserver.Services.AppServices.AppServiceSettings.None;

    public LiveSettings Live { get; init; } = LiveSettings.Default;

    public TelemetrySettings Telemetry { get; init; } = TelemetrySettings.Off;
    public ServerNoticesSettings ServerNotices { get; init; } = ServerNoticesSettings.Default;

    public SsoSettings Sso { get; init; } = SsoSettings.Default;

    /// <summary>The least severe log level written (Logging:Level); Information logs one line per request.</summary>
    public Microsoft.Extensions.Logging.LogLevel LogLevel { get; init; } = Microsoft.Extensions.Logging.LogLevel.Information;
}

/// <summary>
/// The live-event features (<c>Live:*</c>, docs/LIVE.md): the room or space the web client at <c>/live/</c> opens when
/// its URL names none, the directory of the built client (empty: <c>src/LiveChat/dist</c> found from the working
/// directory), and the rate at which one incoming webhook may post.
/// </summary>
public sealed record LiveSettings(string? DefaultRoom, string ClientDirectory, RateLimit WebhookPosts)
{
    public static readonly LiveSettings Default = new(null, "", new RateLimit(1, 10));
}

/// <param name="Enabled">False: presence is neither tracked nor sent in /sync (Synapse's <c>use_presence: false</c>).</param>
public sealed record PresenceSettings(bool Enabled)
{
    public static readonly PresenceSettings Default = new(true);
}

/// <param name="LimitToUsersWhoShareRooms">Profiles are readable only by users who share a room with their user (and
/// it), 403 for others (Synapse's <c>limit_profile_requests_to_users_who_share_rooms</c>).</param>
public sealed record ProfileSettings(bool LimitToUsersWhoShareRooms)
{
    public static readonly ProfileSettings Default = new(false);
}

/// <param name="MaxUploadBytes">The largest upload accepted (<c>m.upload.size</c>); bigger is 413 M_TOO_LARGE.</param>
/// <param name="FreezeUnauthenticated">
/// True: media created while it is true is not served by the deprecated unauthenticated <c>/_matrix/media/v3</c>
/// download and thumbnail endpoints (404), as Synapse's <c>enable_authenticated_media</c> does; media created before
/// stays reachable there.
/// </param>
/// <param name="MaxThumbnailPixels">Images declaring more pixels (width × height × frames) are not thumbnailed (413).</param>
/// <param name="MaxPendingUploads">Created (<c>/media/v1/create</c>) and not yet uploaded media IDs a user may hold.</param>
/// <param name="UnusedExpiry">How long a created media ID waits for its upload.</param>
/// <param name="ThumbnailConcurrency">Images decoded at once (each holds a core while it works).</param>
public sealed record MediaSettings(long MaxUploadBytes, bool FreezeUnauthenticated, long MaxThumbnailPixels,
    int MaxPendingUploads, TimeSpan UnusedExpiry, int ThumbnailConcurrency)
{
    public static readonly MediaSettings Default = new(50L * 1024 * 1024, false, 32_000_000, 5, TimeSpan.FromHours(24),
        PasswordHashingSettings.HalfTheCores);

    /// <summary>Limits, retention and the remote cache (Media:MaxBytesPerUser, UploadsPerSecond, ...).</summary>
    public MediaLimitSettings Limits { get; init; } = MediaLimitSettings.Default;

    /// <summary>URL previews (<c>Media:UrlPreview:*</c>).</summary>
    public UrlPreviewSettings UrlPreview { get; init; } = UrlPreviewSettings.Default;
}

/// <param name="MaxBytesPerUser">Total bytes of a user's uploads; 0 = unlimited. Beyond it: 403 M_RESOURCE_LIMIT_EXCEEDED.</param>
/// <param name="UploadRate">Uploads per user (token bucket); a rate of 0 turns it off. 429 M_LIMIT_EXCEEDED.</param>
/// <param name="LocalRetention">Local media not accessed for this long is deleted; null keeps it forever.</param>
/// <param name="RemoteRetention">Cached media of other servers not accessed for this long is deleted; null keeps it.</param>
public sealed record MediaLimitSettings(long MaxBytesPerUser, RateLimit UploadRate, TimeSpan? LocalRetention,
    TimeSpan? RemoteRetention)
{
    public static readonly MediaLimitSettings Default = new(0, new RateLimit(10, 50), null, null);
}

/// <param name="Enabled">False: the preview_url endpoints answer 404 M_UNRECOGNIZED (as Synapse without url_preview_enabled).</param>
/// <param name="DeniedRanges">Address ranges refused besides the built-in ones (Synapse's url_preview_ip_range_blacklist).</param>
/// <param name="AllowedRanges">Address ranges allowed even when denied, built-in ranges included (…_whitelist).</param>
/// <param name="DeniedUrlPatterns">Host globs, or regular expressions (starting with <c>^</c>) over the whole URL.</param>
/// <param name="MaxBytes">The largest response body read (pages and images); bigger is 502 M_TOO_LARGE.</param>
/// <param name="Timeout">The longest one fetch may take, redirects and body included.</param>
public sealed record UrlPreviewSettings(bool Enabled, IReadOnlyList<System.Net.IPNetwork> DeniedRanges,
    IReadOnlyList<System.Net.IPNetwork> AllowedRanges, IReadOnlyList<string> DeniedUrlPatterns, long MaxBytes,
    TimeSpan Timeout)
{
    public static readonly UrlPreviewSettings Default = new(true, [], [], [], 10L * 1024 * 1024,
        TimeSpan.FromSeconds(10));
}

/// <param name="DefaultVersion">The room version of new rooms when the client names none.</param>
public sealed record RoomSettings(string DefaultVersion)
{
    /// <summary>How many state entries the room writer's cache of room heads holds (Rooms:HeadCacheStateEntries);
    /// least recently written rooms are dropped beyond it and read from Postgres when next written.</summary>
    public int HeadCacheStateEntries { get; init; } = DefaultHeadCacheStateEntries;

    public const int DefaultHeadCacheStateEntries = 200_000;

    /// <summary>Leaving a room also forgets it (MSC4267, Rooms:ForgetRoomsOnLeave).</summary>
    public bool ForgetRoomsOnLeave { get; init; }
}

/// <summary>TURN servers handed to clients by <c>GET /voip/turnServer</c> (Voip:*); no URIs means none.</summary>
/// <param name="SharedSecret">coturn's <c>static-auth-secret</c> (<c>use-auth-secret</c>): credentials are derived.</param>
/// <param name="Username">A fixed TURN username, used when no shared secret is set.</param>
public sealed record VoipSettings(IReadOnlyList<string> TurnUris, string? SharedSecret, string? Username,
    string? Password, TimeSpan UserLifetime, bool AllowGuests)
{
    public static readonly VoipSettings None = new([], null, null, null, TimeSpan.FromDays(1), true);
}

/// <param name="MaxDelay">The longest delay a client may ask for (MSC4140 delayed events).</param>
public sealed record DelayedEventSettings(TimeSpan MaxDelay)
{
    public static readonly DelayedEventSettings Default = new(TimeSpan.FromDays(1));
}

/// <param name="ConnectionString">Empty: the server runs its own cluster under <see cref="LocalClusterDirectory"/>.</param>
public sealed record DatabaseSettings(string ConnectionString, string LocalClusterDirectory)
{
    public bool UsesLocalCluster => ConnectionString.Length == 0;
}

/// <param name="Configuration">A StackExchange.Redis configuration string; empty means in-process caches and wake-ups.</param>
public sealed record RedisSettings(string Configuration)
{
    public bool Enabled => Configuration.Length > 0;
}

/// <param name="Federation">Null when the federation listener is disabled.</param>
public sealed record ListenSettings(Uri Client, Uri? Federation);

/// <param name="CertificatePath">PEM certificate for HTTPS listeners; null means a self-signed one in the data directory.</param>
public sealed record TlsSettings(string? CertificatePath, string? KeyPath, string GeneratedCertificatePath);

public sealed record RegistrationSettings(bool Enabled, bool RequireToken, bool AllowGuests)
{
    /// <summary>Synapse's <c>registration_shared_secret</c>: keys the HMAC of <c>/_synapse/admin/v1/register</c>;
    /// null (the default) turns that registration off.</summary>
    public string? SharedSecret { get; init; }
}

/// <param name="AccessTokenLifetime">How long access tokens of clients that support refresh tokens live.</param>
public sealed record SecuritySettings(int PasswordHashIterations, TimeSpan AccessTokenLifetime);

/// <summary>Token buckets: <see cref="RateLimit.PerSecond"/> sustained, <see cref="RateLimit.Burst"/> at once.</summary>
/// <param name="Login">Per client address: logins, and password stages of user-interactive auth (a bucket of their own).</param>
public sealed record RateLimitSettings(bool Enabled, RateLimit Login, RateLimit Registration)
{
    /// <summary>Password logins per account, right or wrong (Synapse's <c>rc_login.account</c>).</summary>
    public RateLimit LoginAccount { get; init; } = new(0.003, 5);

    /// <summary>
    /// Wrong passwords per account, at login and in user-interactive auth (Synapse's <c>rc_login.failed_attempts</c>):
    /// once empty, the account's password checks answer 429 until a token is back; a right password refills it.
    /// </summary>
    public RateLimit FailedPassword { get; init; } = new(0.17, 3);

    /// <summary>Events a local user sends (messages, state, redactions), per user (Synapse's <c>rc_message</c>); an
    /// admin's override for the user (<c>override_ratelimit</c>) replaces it.</summary>
    public RateLimit Message { get; init; } = new(0.2, 10);

    public PasswordHashingSettings PasswordHashing { get; init; } = PasswordHashingSettings.Default;
}

/// <param name="Concurrency">Threads that hash passwords (each keeps one core busy while it hashes).</param>
/// <param name="MaxQueued">Password checks that may wait for a thread; more answer 429 (when rate limits are on).</param>
public sealed record PasswordHashingSettings(int Concurrency, int MaxQueued)
{
    public static readonly PasswordHashingSettings Default = new(HalfTheCores, 32);

    public static int HalfTheCores => Math.Max(1, Environment.ProcessorCount / 2);
}

public sealed record RateLimit(double PerSecond, int Burst);

public sealed record LimitSettings(long MaxRequestBodyBytes);

/// <param name="ClientBaseUrl">The <c>m.homeserver.base_url</c> served at /.well-known/matrix/client.</param>
/// <param name="Server">The <c>m.server</c> delegation served at /.well-known/matrix/server; null serves 404.</param>
public sealed record WellKnownSettings(Uri ClientBaseUrl, string? Server)
{
    /// <summary>What /.well-known/matrix/support serves; null serves 404.</summary>
    public SupportSettings? Support { get; init; }
}

/// <param name="AdminMatrixId">An <c>m.role.admin</c> contact's Matrix ID (may be on another server).</param>
/// <param name="AdminEmail">An <c>m.role.admin</c> contact's e-mail address.</param>
/// <param name="SupportPage">A page with help specific to this server.</param>
public sealed record SupportSettings(string? AdminMatrixId, string? AdminEmail, Uri? SupportPage);

public enum LogFormat
{
    Text,
    Json,
}
