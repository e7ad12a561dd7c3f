using Homeserver.Core.Errors;
using Homeserver.Services.Configuration;
using NetVips;

namespace Homeserver.Services.Media;

/// <summary>The bytes of a generated thumbnail and what they are.</summary>
public sealed record ThumbnailImage(byte[] Bytes, string ContentType, int Width, int Height);

/// <summary>
/// Makes thumbnails with libvips (NetVips): the header is read first and images declaring more pixels than
/// <see cref="MediaSettings.MaxThumbnailPixels"/> are refused before any pixel is decoded; then libvips' thumbnail
/// shrinks on load (JPEG decodes at 1/2, 1/4, 1/8 scale) and streams. Only JPEG, PNG, GIF and WebP are decoded
/// (libvips' untrusted loaders are blocked), metadata (EXIF with GPS, XMP, IPTC) is not written to thumbnails, and at
/// most <see cref="MediaSettings.ThumbnailConcurrency"/> images are worked on at once, on pool threads.
/// </summary>
public sealed class VipsThumbnailer : IDisposable
{
    private static readonly string[] Loaders = ["jpegload", "pngload", "gifload", "webpload"];
    private readonly SemaphoreSlim _gate;
    private readonly long _maxPixels;

    static VipsThumbnailer()
    {
        NetVips.NetVips.BlockUntrusted = true;
        // Every image is read once per thumbnail tier; libvips' operation cache would only hold memory.
        Cache.Max = 0;
    }

    public VipsThumbnailer(MediaSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _gate = new SemaphoreSlim(settings.ThumbnailConcurrency, settings.ThumbnailConcurrency);
        _maxPixels = settings.MaxThumbnailPixels;
    }

    public void Dispose() => _gate.Dispose();

    /// <param name="open">Opens the source content; called twice (header, then pixels).</param>
    public async Task<ThumbnailImage> GenerateAsync(Func<CancellationToken, Task<Stream>> open, ThumbnailSize tier,
        bool animated, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(open);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var header = await open(cancellationToken);
            await using var pixels = await open(cancellationToken);
            return await Task.Run(() => Generate(header, pixels, tier, animated), cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private ThumbnailImage Generate(Stream header, Stream pixels, ThumbnailSize tier, bool animated)
    {
        var source = Probe(header);
        var useAnimation = animated && source.Pages > 1 && source.Loader is "gifload" or "webpload" &&
                           source.Pixels * source.Pages <= _maxPixels;
        try
        {
            using var thumbnail = Image.ThumbnailStream(pixels, tier.Width, useAnimation ? "n=-1" : "", tier.Height,
                size: tier.Method == ThumbnailMethod.Scale ? Enums.Size.Down : Enums.Size.Both,
                crop: tier.Method == ThumbnailMethod.Crop ? Enums.Interesting.Centre : null,
                failOn: Enums.FailOn.Error);
            var height = useAnimation && thumbnail.GetTypeOf("page-height") != 0
                ? (int)thumbnail.Get("page-height")
                : thumbnail.Height;
            if (useAnimation)
            {
                return new ThumbnailImage(thumbnail.WebpsaveBuffer(q: 80, keep: Enums.ForeignKeep.None),
                    "image/webp", thumbnail.Width, height);
            }

            return source.Loader == "jpegload"
                ? new ThumbnailImage(thumbnail.JpegsaveBuffer(q: 80, keep: Enums.ForeignKeep.None), "image/jpeg",
                    thumbnail.Width, height)
                : new ThumbnailImage(thumbnail.PngsaveBuffer(keep: Enums.ForeignKeep.None), "image/png",
                    thumbnail.Width, height);
        }
        catch (VipsException)
        {
            throw CannotThumbnail();
        }
    }

    /// <summary>Reads the header only: which loader, how many pixels per frame, how many frames.</summary>
    private (string Loader, long Pixels, int Pages) Probe(Stream header)
    {
        Image image;
        try
        {
            image = Image.NewFromStream(header, access: Enums.Access.Sequential);
        }
        catch (VipsException)
        {
            throw CannotThumbnail();
        }

        using (image)
        {
            var loaderName = image.GetTypeOf("vips-loader") != 0 ? image.Get("vips-loader") as string ?? "" : "";
            var loader = Loaders.FirstOrDefault(l => loaderName.StartsWith(l, StringComparison.Ordinal))
                         ?? throw CannotThumbnail();
            var pixels = (long)image.Width * image.Height;
            if (pixels > _maxPixels)
            {
                throw new MatrixException(ErrorCode.TooLarge, "Content is too large to thumbnail");
            }

            var pages = image.GetTypeOf("n-pages") != 0 ? Math.Max(1, (int)image.Get("n-pages")) : 1;
            return (loader, pixels, pages);
        }
    }

    private static MatrixException CannotThumbnail() =>
        new(ErrorCode.Unknown, "Cannot generate thumbnails for the requested content");
}
