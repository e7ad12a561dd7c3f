using System.Globalization;
using System.Text;

namespace Homeserver.Bench.Client;

/// <summary>Message bodies of about 1 KB (a long chat message; also the size of the storage baseline's rows).</summary>
public static class Payload
{
    public const int Size = 1000;
    private static readonly string Filler = BuildFiller();

    public static string Text(long sequence)
    {
        var prefix = "bench message " + sequence.ToString(CultureInfo.InvariantCulture) + " ";
        return prefix + Filler[..Math.Max(0, Size - prefix.Length)];
    }

    private static string BuildFiller()
    {
        var builder = new StringBuilder(Size);
        const string words = "the quick brown fox jumps over the lazy dog ";
        while (builder.Length < Size)
        {
            builder.Append(words);
        }

        return builder.ToString(0, Size);
    }
}
