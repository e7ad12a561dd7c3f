using System.Text;
using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Services.Accounts;
using Homeserver.Services.Configuration;
using Microsoft.Extensions.Logging;

namespace Homeserver.Services.Media.UrlPreview;

/// <summary>
/// <c>preview_url</c>: the OpenGraph data of a URL. An image URL is stored as local media and answered as an image
/// preview; an HTML page is parsed (<see cref="OpenGraphParser"/>) and its image, fetched through the same
/// <see cref="UrlPreviewFetcher"/>, is stored as local media and answered as <c>mxc://</c> with its type, size and
/// dimensions (an image that cannot be fetched is left out, the preview stands). Results are cached per URL for
/// <see cref="CacheLifetime"/> (<see cref="IUrlPreviewCache"/>): a request is answered from the cache when the stored
/// result had not expired at its <c>ts</c> (default now), else fetched again and the stored result replaced. oEmbed is
/// not used, and failures are not cached.
/// </summary>
public sealed partial class UrlPreviewService(HomeserverSettings settings, UrlPreviewFetcher fetcher,
    IUrlPreviewCache cache, MediaService media, TimeProvider time, ILogger<UrlPreviewService> logger)
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromHours(1);
    public const int MaxUrlBytes = 2048;
    private const int MaxKeyLength = 50;
    private const int MaxValueLength = 1000;

    public async Task<JsonObject> PreviewAsync(Requester requester, string url, long? ts,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        ArgumentNullException.ThrowIfNull(url);
        if (!settings.Media.UrlPreview.Enabled)
        {
            throw new MatrixException(ErrorCode.Unrecognized, "URL previews are disabled on this server");
        }

        var target = ParseUrl(url);
        fetcher.CheckUrl(target);
        if (await cache.GetAsync(url, ts ?? Now, cancellationToken) is { } cached &&
            JsonNode.Parse(cached) is JsonObject stored)
        {
            return stored;
        }

        var og = await BuildAsync(requester, target, cancellationToken);
        var fetchedTs = Now;
        await cache.PutAsync(url, og.ToJsonString(), fetchedTs, fetchedTs + (long)CacheLifetime.TotalMilliseconds,
            cancellationToken);
        return og;
    }

    private static Uri ParseUrl(string url)
    {
        if (Encoding.UTF8.GetByteCount(url) > MaxUrlBytes)
        {
            throw new MatrixException(ErrorCode.InvalidParam, $"url is longer than {MaxUrlBytes} bytes");
        }

        return Uri.TryCreate(url, UriKind.Absolute, out var uri) &&
               (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && uri.Host.Length > 0
            ? uri
            : throw new MatrixException(ErrorCode.InvalidParam, "url must be an absolute http or https URL");
    }

    private async Task<JsonObject> BuildAsync(Requester requester, Uri target, CancellationToken cancellationToken)
    {
        var page = await fetcher.FetchAsync(target, type => type is null || IsImage(type) || IsHtml(type),
            cancellationToken);
        var og = new JsonObject();
        if (page.MediaType is { } type && IsImage(type))
        {
            if (page.FileName is { } name)
            {
                og["og:description"] = name;
            }

            await AddImageAsync(og, requester, page, cancellationToken);
        }
        else if (page.MediaType is { } html && IsHtml(html))
        {
            var tags = OpenGraphParser.Parse(HtmlCharset.Decode(page.Body, page.Charset));
            foreach (var (key, value) in tags.Where(t => t.Key != "og:image"))
            {
                og[key] = value;
            }

            if (tags.TryGetValue("og:image", out var image) && Uri.TryCreate(page.Url, image, out var imageUrl))
            {
                await TryAddLinkedImageAsync(og, requester, imageUrl, cancellationToken);
            }
        }

        foreach (var (key, value) in og.ToList())
        {
            if (key.Length > MaxKeyLength || (value?.ToString().Length ?? 0) > MaxValueLength)
            {
                og.Remove(key);
            }
        }

        return og;
    }

    private async Task TryAddLinkedImageAsync(JsonObject og, Requester requester, Uri imageUrl,
        CancellationToken cancellationToken)
    {
        FetchedResource image;
        try
        {
            fetcher.CheckUrl(imageUrl);
            image = await fetcher.FetchAsync(imageUrl, type => type is not null && IsImage(type), cancellationToken);
        }
        catch (MatrixException e)
        {
            LogImageSkipped(logger, imageUrl, e.Message);
            return;
        }

        await AddImageAsync(og, requester, image, cancellationToken);
    }

    private async Task AddImageAsync(JsonObject og, Requester requester, FetchedResource image,
        CancellationToken cancellationToken)
    {
        var contentType = image.MediaType!;
        using var body = new MemoryStream(image.Body, writable: false);
        var uri = await media.UploadAsync(requester,
            new MediaUpload(body, contentType, image.FileName, image.Body.Length), cancellationToken);
        og["og:image"] = uri;
        og["og:image:type"] = contentType;
        og["matrix:image:size"] = image.Body.Length;
        if (PreviewImageProbe.Dimensions(image.Body) is var (width, height))
        {
            og["og:image:width"] = width;
            og["og:image:height"] = height;
        }
    }

    private static bool IsImage(string mediaType) => mediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase);

    private static bool IsHtml(string mediaType) =>
        mediaType.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) ||
        mediaType.StartsWith("application/xhtml", StringComparison.OrdinalIgnoreCase);

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    [LoggerMessage(Level = LogLevel.Information, Message = "URL preview image {Url} left out: {Reason}")]
    private static partial void LogImageSkipped(ILogger logger, Uri url, string reason);
}
