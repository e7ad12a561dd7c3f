using System.Text.Json;
using System.Text.Unicode;

namespace Homeserver.Core.Json;

/// <summary>What is wrong with a JSON text, if anything (<see cref="JsonText"/>).</summary>
public enum JsonTextError
{
    None,

    /// <summary>The bytes are not UTF-8 (including UTF-8-encoded surrogates and overlong forms).</summary>
    NotUtf8,

    /// <summary>Valid UTF-8 that is not JSON.</summary>
    NotJson,

    /// <summary>JSON (as far as read) that nests deeper than allowed.</summary>
    TooDeep,

    /// <summary>A string (key or value) holds an escaped surrogate without its pair, e.g. <c>"\ud800"</c>.</summary>
    LoneSurrogate,

    /// <summary>A string (key or value) holds U+0000 (<c>"\u0000"</c>).</summary>
    Nul,
}

/// <summary>
/// The one rule for JSON text at the edge: UTF-8, and every string (object keys included) a sequence of Unicode scalar
/// values other than U+0000. Canonical JSON cannot represent a lone surrogate; Postgres stores neither a lone surrogate
/// in <c>jsonb</c> nor U+0000 in <c>text</c> or <c>jsonb</c>; System.Text.Json parses a lone surrogate escape and
/// only fails when the string is read or written, which for stored data is every later reader.
/// </summary>
public static class JsonText
{
    /// <summary>
    /// How deep JSON taken in (a request body) or served from storage may nest. Responses are written with
    /// System.Text.Json's default limit of 64 levels and carry stored content up to about ten levels down (/sync:
    /// rooms.join.&lt;id&gt;.timeline.events[i].unsigned.prev_content): content that only fits the writer's limit
    /// alone would fail every later response meant to carry it, another user's /sync included.
    /// </summary>
    public const int MaxDepth = 48;

    /// <summary>Checks UTF-8 bytes: encoding, JSON syntax (up to <paramref name="maxDepth"/>) and every string.</summary>
    public static JsonTextError Check(ReadOnlySpan<byte> utf8, int maxDepth)
    {
        if (!Utf8.IsValid(utf8))
        {
            return JsonTextError.NotUtf8;
        }

        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = maxDepth });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped &&
                    CheckEscapes(reader.ValueSpan) is var error and not JsonTextError.None)
                {
                    return error;
                }
            }
        }
        catch (JsonException)
        {
            // The reader reports depth and syntax alike; read again without the limit to tell them apart.
            return maxDepth < int.MaxValue && Check(utf8, int.MaxValue) != JsonTextError.NotJson
                ? JsonTextError.TooDeep
                : JsonTextError.NotJson;
        }

        return JsonTextError.None;
    }

    /// <summary>
    /// Checks the strings of JSON text already held as a .NET string (read from storage or a decoded query string):
    /// such text is well-formed UTF-16, so only escapes can hide a lone surrogate or U+0000. Text that is not JSON is
    /// left for the caller's parser to report (<see cref="JsonTextError.None"/> unless a bad string comes first).
    /// </summary>
    public static JsonTextError CheckStrings(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (!json.Contains("\\u", StringComparison.Ordinal))
        {
            return JsonTextError.None;
        }

        var error = Check(System.Text.Encoding.UTF8.GetBytes(json), maxDepth: 256);
        return error is JsonTextError.NotJson or JsonTextError.TooDeep ? JsonTextError.None : error;
    }

    /// <summary>A sentence for an error response or a log line.</summary>
    public static string Describe(JsonTextError error) => error switch
    {
        JsonTextError.NotUtf8 => "the text is not valid UTF-8",
        JsonTextError.NotJson => "the text is not valid JSON",
        JsonTextError.TooDeep => "the JSON nests too deep",
        JsonTextError.LoneSurrogate => "a string holds an unpaired surrogate escape (\\uD800-\\uDFFF)",
        JsonTextError.Nul => "a string holds U+0000 (\\u0000), which cannot be stored",
        _ => "no error",
    };

    // The raw bytes of a string token, escapes still in: the reader has checked their syntax (\uXXXX has four hex
    // digits), not what they decode to.
    private static JsonTextError CheckEscapes(ReadOnlySpan<byte> raw)
    {
        var expectingLow = false;
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] != (byte)'\\' || raw[i + 1] != (byte)'u')
            {
                if (expectingLow)
                {
                    return JsonTextError.LoneSurrogate;
                }

                i += raw[i] == (byte)'\\' ? 1 : 0;
                continue;
            }

            var unit = Hex(raw[i + 2]) << 12 | Hex(raw[i + 3]) << 8 | Hex(raw[i + 4]) << 4 | Hex(raw[i + 5]);
            i += 5;
            var isHigh = unit is >= 0xD800 and <= 0xDBFF;
            var isLow = unit is >= 0xDC00 and <= 0xDFFF;
            if (unit == 0)
            {
                return JsonTextError.Nul;
            }

            if (expectingLow != isLow)
            {
                return JsonTextError.LoneSurrogate;
            }

            expectingLow = isHigh;
        }

        return expectingLow ? JsonTextError.LoneSurrogate : JsonTextError.None;
    }

    private static int Hex(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        _ => c - 'A' + 10,
    };
}
