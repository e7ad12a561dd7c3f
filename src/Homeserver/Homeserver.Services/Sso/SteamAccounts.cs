using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Configuration;
using Homeserver.Services.Media;
using Microsoft.Extensions.Logging;

namespace Homeserver.Services.Sso;

/// <summary>
/// The Matrix account of a SteamID64: the linked one, or a new one made and linked on its first sign-in, named after
/// the Steam persona (sanitised, numbered when taken; <c>steam_&lt;id&gt;</c> without a Web API key or a usable name)
/// with the persona's name and avatar as its profile. Open while registration is closed, as Synapse's SSO sign-up is.
/// </summary>
public sealed partial class SteamAccounts(IExternalIdStore links, RegistrationService registration,
    IProfileStore profiles, MediaService media, SteamClient steam, HomeserverSettings settings, TimeProvider time,
    ILogger<SteamAccounts> logger) : IDisposable
{
    public const string AuthProvider = "steam";
    private const int MaxLocalpartLength = 64;
    private const int MaxDisplayNameLength = 256;
    private readonly SemaphoreSlim _creating = new(1, 1);

    /// <summary>The account of <paramref name="steamId"/> and whether it was made now.</summary>
    public async Task<(UserId UserId, bool Created)> FindOrCreateAsync(string steamId, CancellationToken cancellationToken)
    {
        if (await links.GetUserAsync(AuthProvider, steamId, cancellationToken) is { } linked)
        {
            return (linked, false);
        }

        // One sign-up at a time in this process, so one person's two tabs make one account.
        await _creating.WaitAsync(cancellationToken);
        try
        {
            if (await links.GetUserAsync(AuthProvider, steamId, cancellationToken) is { } raced)
            {
                return (raced, false);
            }

            var summary = await steam.GetPlayerSummaryAsync(steamId, cancellationToken);
            var displayName = summary?.PersonaName?.Trim() is { Length: > 0 } name
                ? name[..Math.Min(name.Length, MaxDisplayNameLength)]
                : null;
            var userId = await CreateAsync(LocalpartCandidates(summary?.PersonaName, steamId), displayName,
                cancellationToken);
            if (!await links.TryLinkAsync(AuthProvider, steamId, userId, time.GetUtcNow().ToUnixTimeMilliseconds(),
                    cancellationToken))
            {
                // Another process linked this identity first: its account wins, ours stays unused.
                LogLinkRace(logger, steamId, userId.Value);
                return (await links.GetUserAsync(AuthProvider, steamId, cancellationToken)
                        ?? throw new MatrixException(ErrorCode.Unknown, "The Steam account could not be linked"), false);
            }

            LogCreated(logger, userId.Value, steamId);
            if (summary?.AvatarUrl is { } avatar && IsSteamAvatarHost(avatar, settings.Sso.Steam.WebApiBaseUrl))
            {
                await SetAvatarAsync(userId, avatar, cancellationToken);
            }

            return (userId, true);
        }
        finally
        {
            _creating.Release();
        }
    }

    public void Dispose() => _creating.Dispose();

    /// <summary>Localparts to try in order: the persona name made a valid localpart, then numbered, then
    /// <c>steam_&lt;id&gt;</c>.</summary>
    public static IEnumerable<string> LocalpartCandidates(string? personaName, string steamId)
    {
        var fallback = "steam_" + steamId;
        var sanitised = Sanitise(personaName);
        if (sanitised is not null)
        {
            yield return sanitised;
            for (var n = 2; n <= 20; n++)
            {
                var suffix = n.ToString(System.Globalization.CultureInfo.InvariantCulture);
                yield return sanitised[..Math.Min(sanitised.Length, MaxLocalpartLength - suffix.Length)] + suffix;
            }
        }

        yield return fallback;
    }

    /// <summary>Lower case; characters a localpart cannot hold become <c>_</c>; none of the leading <c>_</c> kept for
    /// appservices, no all-digit names (guests'); null when nothing is left.</summary>
    public static string? Sanitise(string? personaName)
    {
        if (personaName is null)
        {
            return null;
        }

        var chars = personaName.Trim().ToLowerInvariant()
            .Select(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '_' or '=' or '-' ? c : '_')
            .ToArray();
        var text = new string(chars).TrimStart('_', '.', '=', '-').TrimEnd('_');
        while (text.Contains("__", StringComparison.Ordinal))
        {
            text = text.Replace("__", "_", StringComparison.Ordinal);
        }

        text = text[..Math.Min(text.Length, MaxLocalpartLength)];
        return text.Length == 0 || text.All(char.IsAsciiDigit) ? null : text;
    }

    /// <summary>Avatars are fetched only from Steam's image host or the configured Web API's own host.</summary>
    public static bool IsSteamAvatarHost(Uri avatar, Uri webApiBaseUrl)
    {
        ArgumentNullException.ThrowIfNull(avatar);
        ArgumentNullException.ThrowIfNull(webApiBaseUrl);
        return (avatar.Scheme == Uri.UriSchemeHttps && (avatar.Host == "avatars.steamstatic.com" ||
                                                          avatar.Host.EndsWith(".steamstatic.com", StringComparison.Ordinal))) ||
               (avatar.Scheme == webApiBaseUrl.Scheme && avatar.Host == webApiBaseUrl.Host && avatar.Port == webApiBaseUrl.Port);
    }

    private async Task<UserId> CreateAsync(IEnumerable<string> candidates, string? displayName,
        CancellationToken cancellationToken)
    {
        foreach (var localpart in candidates)
        {
            try
            {
                var made = await registration.CreateByAdministratorAsync(localpart, passwordHash: null, admin: false,
                    displayName, login: null, cancellationToken);
                return made.UserId;
            }
            catch (MatrixException e) when (e.Code == ErrorCode.UserInUse || e.Code == ErrorCode.Exclusive ||
                                            e.Code == ErrorCode.InvalidUsername)
            {
                // Taken or reserved: the next candidate.
            }
        }

        throw new MatrixException(ErrorCode.UserInUse, "No user ID could be made for this Steam account");
    }

    private async Task SetAvatarAsync(UserId userId, Uri avatar, CancellationToken cancellationToken)
    {
        if (await steam.FetchAvatarAsync(avatar, cancellationToken) is not var (bytes, contentType))
        {
            LogNoAvatar(logger, userId.Value);
            return;
        }

        try
        {
            using var body = new MemoryStream(bytes);
            var uri = await media.UploadAsync(new Requester(userId, null, false, false, null),
                new MediaUpload(body, contentType, "steam-avatar", bytes.Length), cancellationToken);
            await profiles.UpdateAsync(userId, profile => profile with { AvatarUrl = uri }, cancellationToken);
        }
        catch (MatrixException)
        {
            LogNoAvatar(logger, userId.Value);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Made {UserId} for Steam account {SteamId}")]
    private static partial void LogCreated(ILogger logger, string userId, string steamId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Steam account {SteamId} was linked elsewhere while {UserId} was made for it")]
    private static partial void LogLinkRace(ILogger logger, string steamId, string userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Steam avatar of {UserId} could not be stored")]
    private static partial void LogNoAvatar(ILogger logger, string userId);
}
