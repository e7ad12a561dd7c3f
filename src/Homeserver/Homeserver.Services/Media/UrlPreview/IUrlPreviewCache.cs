namespace Homeserver.Services.Media.UrlPreview;

/// <summary>Previews already made, one per URL, each valid until it expires (<c>url_previews</c>).</summary>
public interface IUrlPreviewCache
{
    /// <summary>The OpenGraph JSON of <paramref name="url"/> if one is stored that expires after <paramref name="at"/>.</summary>
    Task<string?> GetAsync(string url, long at, CancellationToken cancellationToken);

    /// <summary>Stores (or replaces) the preview of <paramref name="url"/>.</summary>
    Task PutAsync(string url, string og, long fetchedTs, long expiresTs, CancellationToken cancellationToken);
}
