namespace Homeserver.Core.Encoding;

/// <summary>Unpadded Base64 as the spec's appendix defines it, standard and URL-safe alphabets.</summary>
public static class UnpaddedBase64
{
    public static string Encode(ReadOnlySpan<byte> data) => Convert.ToBase64String(data).TrimEnd('=');

    public static string EncodeUrlSafe(ReadOnlySpan<byte> data) =>
        Encode(data).Replace('+', '-').Replace('/', '_');

    /// <summary>Decodes standard or URL-safe unpadded Base64; padded input is accepted too, as the spec asks.</summary>
    public static bool TryDecode(string text, out byte[] data)
    {
        ArgumentNullException.ThrowIfNull(text);
        data = [];
        var trimmed = text.TrimEnd('=');
        if (trimmed.Length % 4 == 1)
        {
            return false;
        }

        var normal = trimmed.Replace('-', '+').Replace('_', '/');
        var padded = normal + new string('=', (4 - (normal.Length % 4)) % 4);
        var buffer = new byte[padded.Length / 4 * 3];
        if (!Convert.TryFromBase64String(padded, buffer, out var written))
        {
            return false;
        }

        data = buffer[..written];
        return true;
    }

    public static byte[] Decode(string text) =>
        TryDecode(text, out var data) ? data : throw new FormatException("Not valid unpadded base64");
}
