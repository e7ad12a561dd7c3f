namespace Homeserver.Services.Media;

public enum ThumbnailMethod
{
    Crop,
    Scale,
}

/// <summary>A pre-set thumbnail size: exactly this for crop, fitted within it for scale.</summary>
public readonly record struct ThumbnailSize(int Width, int Height, ThumbnailMethod Method)
{
    public string MethodName => Method == ThumbnailMethod.Crop ? "crop" : "scale";
}

/// <summary>
/// The sizes thumbnails are made at (Synapse's defaults), and which one answers a request: the spec lets a server
/// return a thumbnail larger than asked, so each request maps to one of a few tiers, each generated once.
/// </summary>
public static class ThumbnailSizes
{
    public static readonly IReadOnlyList<ThumbnailSize> Tiers =
    [
        new(32, 32, ThumbnailMethod.Crop),
        new(96, 96, ThumbnailMethod.Crop),
        new(320, 240, ThumbnailMethod.Scale),
        new(640, 480, ThumbnailMethod.Scale),
        new(800, 600, ThumbnailMethod.Scale),
    ];

    /// <summary>
    /// The smallest tier of the requested method at least as big as asked; else the smallest tier of either method
    /// that is; else the biggest tier of the requested method (the request is bigger than any tier).
    /// </summary>
    public static ThumbnailSize Select(int width, int height, ThumbnailMethod method)
    {
        static bool Covers(ThumbnailSize tier, int width, int height) => tier.Width >= width && tier.Height >= height;

        var covering = Tiers.Where(t => Covers(t, width, height)).OrderBy(t => (long)t.Width * t.Height).ToList();
        return covering.FirstOrDefault(t => t.Method == method) is { Width: > 0 } same ? same
            : covering.Count > 0 ? covering[0]
            : Tiers.Where(t => t.Method == method).MaxBy(t => (long)t.Width * t.Height);
    }
}
