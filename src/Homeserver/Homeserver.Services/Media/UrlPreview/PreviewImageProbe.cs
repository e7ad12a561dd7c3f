using NetVips;

namespace Homeserver.Services.Media.UrlPreview;

/// <summary>
/// The dimensions of a previewed image, read from its header by libvips (no pixel is decoded), for
/// <c>og:image:width</c> and <c>og:image:height</c>. Only JPEG, PNG, GIF and WebP are read; anything else has no
/// dimensions.
/// </summary>
public static class PreviewImageProbe
{
    private static readonly string[] Loaders = ["jpegload", "pngload", "gifload", "webpload"];

    public static (int Width, int Height)? Dimensions(byte[] image)
    {
        ArgumentNullException.ThrowIfNull(image);
        NetVips.NetVips.BlockUntrusted = true;
        try
        {
            using var header = Image.NewFromBuffer(image, access: Enums.Access.Sequential);
            var loader = header.GetTypeOf("vips-loader") != 0 ? header.Get("vips-loader") as string ?? "" : "";
            return Loaders.Any(l => loader.StartsWith(l, StringComparison.Ordinal))
                ? (header.Width, header.Height)
                : null;
        }
        catch (VipsException)
        {
            return null;
        }
    }
}
