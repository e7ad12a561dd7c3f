using System.Globalization;
using Homeserver.Core.Errors;

namespace Homeserver.Services.Live.Gallery;

/// <summary>The gallery's pagination token (<c>next_batch</c>, <c>from</c>): "g{position}_{index}", opaque to clients.</summary>
public static class GalleryToken
{
    public static string Format(GalleryPosition position) => string.Create(CultureInfo.InvariantCulture,
        $"g{position.Position}_{position.Index}");

    public static GalleryPosition Parse(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var separator = token.IndexOf('_', StringComparison.Ordinal);
        return token.StartsWith('g') && separator > 1 &&
               long.TryParse(token.AsSpan(1, separator - 1), NumberStyles.None, CultureInfo.InvariantCulture,
                   out var position) &&
               int.TryParse(token.AsSpan(separator + 1), NumberStyles.None, CultureInfo.InvariantCulture,
                   out var index)
            ? new GalleryPosition(position, index)
            : throw new MatrixException(ErrorCode.InvalidParam, "Invalid gallery pagination token");
    }
}
