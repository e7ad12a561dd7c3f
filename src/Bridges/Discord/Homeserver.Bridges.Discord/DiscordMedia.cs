using Homeserver.Bridges.AppService.Http;
using Homeserver.Bridges.AppService.Client;
using Homeserver.Bridges.AppService.Store;
using Homeserver.Bridges.Discord.Client.Models;

namespace Homeserver.Bridges.Discord;

/// <summary>The one HttpClient the bridge talks to Discord with (REST and CDN), owned by the container.</summary>
public sealed class DiscordHttpClient : IDisposable
{
    public HttpClient Http { get; } = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AllowAutoRedirect = false })
    {
        Timeout = TimeSpan.FromSeconds(100),
    };

    public void Dispose() => Http.Dispose();
}

/// <summary>
/// Files from Discord (attachments, avatars) into the media repo. Only Discord's CDN hosts (and the configured API and
/// CDN hosts) are fetched from, so a crafted attachment URL cannot point the bridge at another server; sizes are capped.
/// </summary>
public sealed class DiscordMedia(DiscordHttpClient http, DiscordSettings settings, IMappingStore mappings)
{
    public const long MaxFileBytes = 50 * 1024 * 1024;

    private static readonly string[] CdnHosts = ["cdn.discordapp.com", "media.discordapp.net"];

    /// <summary>Downloads a Discord file; null when the URL is not a Discord one, the fetch fails, or it is too large.</summary>
    public async Task<(byte[] Content, string ContentType)?> DownloadAsync(string url, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !IsDiscordHost(uri))
        {
            return null;
        }

        using var response = await http.Http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode || response.Content.Headers.ContentLength > MaxFileBytes)
        {
            return null;
        }

        var content = await BoundedBody.ReadAsync(response.Content, MaxFileBytes, cancellationToken);
        return content is null ? null : (content, response.Content.Headers.ContentType?.MediaType ?? "application/octet-stream");
    }

    /// <summary>The mxc URI of a Discord user's avatar, uploaded as <paramref name="ghost"/> the first time this avatar
    /// hash is seen; null when the user has none or it cannot be fetched.</summary>
    public async Task<string?> AvatarAsync(DiscordUser user, Intent ghost, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(ghost);
        if (string.IsNullOrEmpty(user.Avatar) || user.Avatar.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '_'))
        {
            return null;
        }

        var remoteId = $"{user.Id}/{user.Avatar}";
        if ((await mappings.FindByRemoteAsync(BridgeKinds.Avatar, remoteId, cancellationToken)) is [var known, ..])
        {
            return known.MatrixId;
        }

        var url = new Uri(settings.CdnBaseUrl, $"avatars/{user.Id}/{user.Avatar}.png");
        if (await DownloadAsync(url.ToString(), cancellationToken) is not (var content, var contentType))
        {
            return null;
        }

        var mxc = await ghost.UploadAsync(content, contentType, "avatar.png", cancellationToken);
        await mappings.TryAddAsync(new Mapping(BridgeKinds.Avatar, remoteId, "", mxc, null), cancellationToken);
        return (await mappings.FindByRemoteAsync(BridgeKinds.Avatar, remoteId, cancellationToken)) is [var stored, ..] ? stored.MatrixId : mxc;
    }

    private bool IsDiscordHost(Uri uri) =>
        uri.Scheme is "http" or "https" &&
        (CdnHosts.Contains(uri.Host, StringComparer.OrdinalIgnoreCase) ||
         (string.Equals(uri.Host, settings.CdnBaseUrl.Host, StringComparison.OrdinalIgnoreCase) && uri.Port == settings.CdnBaseUrl.Port) ||
         (string.Equals(uri.Host, settings.ApiBaseUrl.Host, StringComparison.OrdinalIgnoreCase) && uri.Port == settings.ApiBaseUrl.Port));
}
