using Homeserver.Bridges.AppService.Http;
using Homeserver.Bridges.AppService.Client;
using Homeserver.Bridges.Steam.Store;

namespace Homeserver.Bridges.Steam.Sync;

/// <summary>
/// Copies a Steam avatar into the homeserver's media repository once per avatar hash (uploaded by the bot), and
/// remembers the <c>mxc://</c> URI. The URL comes from Steam's answer, so only http(s) and at most 2 MiB are taken.
/// </summary>
public sealed class AvatarMirror(SteamBridgeStore store, Intents intents, SteamHttp steamHttp)
{
    private const int MaxBytes = 2 * 1024 * 1024;

    /// <summary>The <c>mxc://</c> URI of the avatar with <paramref name="hash"/>, uploading it when new; null when the
    /// image cannot be had.</summary>
    public async Task<string?> MirrorAsync(string hash, string url, CancellationToken cancellationToken)
    {
        if (await store.AvatarAsync(hash, cancellationToken) is { } known)
        {
            return known;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return null;
        }

        using var response = await steamHttp.Http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode || response.Content.Headers.ContentLength > MaxBytes)
        {
            return null;
        }

        if (await BoundedBody.ReadAsync(response.Content, MaxBytes, cancellationToken) is not { } bytes)
        {
            return null;
        }

        var contentType = response.Content.Headers.ContentType?.MediaType is { } type && type.StartsWith("image/", StringComparison.Ordinal)
            ? type
            : "image/jpeg";
        var mxc = await intents.Bot.UploadAsync(bytes, contentType, $"{hash}.jpg", cancellationToken);
        await store.SaveAvatarAsync(hash, mxc, cancellationToken);
        return mxc;
    }
}

/// <summary>The HttpClient for Steam (Web API and avatar images), owned by the container.</summary>
public sealed class SteamHttp : IDisposable
{
    public HttpClient Http { get; } = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    public void Dispose() => Http.Dispose();
}
