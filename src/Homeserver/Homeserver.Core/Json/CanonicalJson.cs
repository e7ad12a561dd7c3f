using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Homeserver.Core.Json;

/// <summary>
/// Canonical JSON as the spec appendix defines it: object keys sorted by code point, no insignificant
/// whitespace, UTF-8 without escaping non-ASCII, only integers in [-(2^53)+1, 2^53-1] (written without
/// exponent or sign on zero), no floats, no duplicate keys.
/// </summary>
public static class CanonicalJson
{
    public const long MaxSafeInteger = 9_007_199_254_740_991;
    public const long MinSafeInteger = -MaxSafeInteger;

    /// <summary>Encodes a value, or returns false with the reason it cannot be canonical JSON.</summary>
    public static bool TryEncode(JsonElement value, out byte[] bytes, out string error,
        CanonicalJsonOptions options = CanonicalJsonOptions.Strict) =>
        TryEncode(value, excludedTopLevelKeys: [], out bytes, out error, options);

    /// <summary>Encodes an object leaving out some of its top-level keys (for example signatures, unsigned).</summary>
    public static bool TryEncode(JsonElement value, ReadOnlySpan<string> excludedTopLevelKeys, out byte[] bytes,
        out string error, CanonicalJsonOptions options = CanonicalJsonOptions.Strict)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        var writer = new CanonicalJsonWriter(buffer, options);
        if (!writer.TryWrite(value, excludedTopLevelKeys, out error))
        {
            bytes = [];
            return false;
        }

        bytes = buffer.WrittenSpan.ToArray();
        return true;
    }

    public static bool TryEncode(JsonNode? value, out byte[] bytes, out string error,
        CanonicalJsonOptions options = CanonicalJsonOptions.Strict) =>
        TryEncode(value, excludedTopLevelKeys: [], out bytes, out error, options);

    public static bool TryEncode(JsonNode? value, ReadOnlySpan<string> excludedTopLevelKeys, out byte[] bytes,
        out string error, CanonicalJsonOptions options = CanonicalJsonOptions.Strict)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        var writer = new CanonicalJsonWriter(buffer, options);
        if (!writer.TryWrite(value, excludedTopLevelKeys, out error))
        {
            bytes = [];
            return false;
        }

        bytes = buffer.WrittenSpan.ToArray();
        return true;
    }

    /// <summary>Encodes a value known to be valid; throws <see cref="FormatException"/> otherwise.</summary>
    public static byte[] Encode(JsonElement value, CanonicalJsonOptions options = CanonicalJsonOptions.Strict) =>
        TryEncode(value, out var bytes, out var error, options) ? bytes : throw new FormatException(error);

    public static byte[] Encode(JsonNode? value, CanonicalJsonOptions options = CanonicalJsonOptions.Strict) =>
        TryEncode(value, out var bytes, out var error, options) ? bytes : throw new FormatException(error);

    public static string EncodeToString(JsonNode? value) => System.Text.Encoding.UTF8.GetString(Encode(value));

    /// <summary>Parses JSON text and re-encodes it canonically.</summary>
    public static bool TryCanonicalise(string json, out string canonical, out string error)
    {
        ArgumentNullException.ThrowIfNull(json);
        canonical = "";
        try
        {
            using var document = JsonDocument.Parse(json);
            if (!TryEncode(document.RootElement, out var bytes, out error))
            {
                return false;
            }

            canonical = System.Text.Encoding.UTF8.GetString(bytes);
            return true;
        }
        catch (JsonException e)
        {
            error = $"not JSON: {e.Message}";
            return false;
        }
    }
}

/// <summary>How strictly numbers are checked.</summary>
public enum CanonicalJsonOptions
{
    /// <summary>Integers must be in the safe range (every room version from 6, and all signing outside rooms).</summary>
    Strict,

    /// <summary>
    /// Room versions 1 to 5, whose events servers must not hold to canonical JSON: any integer, and
    /// floats, written as Synapse writes them (see <c>CanonicalJsonWriter.TryWriteNumber</c>).
    /// </summary>
    Lenient,
}
