namespace Homeserver.Core.Json;

/// <summary>
/// Orders strings by Unicode code point (the order of their UTF-8 bytes). Plain ordinal comparison of
/// UTF-16 differs only where a surrogate pair (code points above U+FFFF) meets U+E000..U+FFFF.
/// </summary>
public sealed class CodePointComparer : IComparer<string>
{
    public static readonly CodePointComparer Instance = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null)
        {
            return -1;
        }

        if (y is null)
        {
            return 1;
        }

        var length = Math.Min(x.Length, y.Length);
        for (var i = 0; i < length; i++)
        {
            var a = x[i];
            var b = y[i];
            if (a != b)
            {
                return Weight(a).CompareTo(Weight(b));
            }
        }

        return x.Length.CompareTo(y.Length);
    }

    // Moves surrogates (D800-DFFF) above E000-FFFF so UTF-16 units compare like the code points they encode.
    private static int Weight(char c) => c < 0xD800 ? c : c >= 0xE000 ? c - 0x800 : c + 0x2000;
}
