using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Homeserver.Core.Json;

/// <summary>
/// Writes canonical JSON bytes for a <see cref="JsonElement"/> or <see cref="JsonNode"/> tree. This part holds
/// the entry points and the scalar encodings; the tree walks are in the Element and Node parts.
/// </summary>
internal sealed partial class CanonicalJsonWriter(IBufferWriter<byte> output, CanonicalJsonOptions options)
{
    private const int MaxDepth = 128;
    private const string LoneSurrogate = "a string contains a lone surrogate, which is not valid UTF-8";

    public bool TryWrite(JsonElement value, ReadOnlySpan<string> excludedTopLevelKeys, out string error)
    {
        error = "";
        try
        {
            return TryWriteElement(value, excludedTopLevelKeys, 0, ref error);
        }
        catch (InvalidOperationException)
        {
            // JsonElement refuses to unescape a lone surrogate (\ud800) into a string.
            error = LoneSurrogate;
            return false;
        }
    }

    public bool TryWrite(JsonNode? value, ReadOnlySpan<string> excludedTopLevelKeys, out string error)
    {
        error = "";
        try
        {
            return TryWriteNode(value, excludedTopLevelKeys, 0, ref error);
        }
        catch (InvalidOperationException)
        {
            error = LoneSurrogate;
            return false;
        }
        catch (ArgumentException)
        {
            // A JsonNode parsed from text with a repeated key throws when first enumerated.
            error = "duplicate key in an object";
            return false;
        }
    }

    private bool TryWriteNumber(string text, ref string error)
    {
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return TryWriteInteger(integer, text, ref error);
        }

        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) &&
            number == decimal.Truncate(number))
        {
            if (number is >= long.MinValue and <= long.MaxValue)
            {
                return TryWriteInteger((long)number, text, ref error);
            }

            if (options == CanonicalJsonOptions.AllowUnsafeIntegers)
            {
                WriteAscii(decimal.Truncate(number).ToString(CultureInfo.InvariantCulture));
                return true;
            }
        }

        if (options == CanonicalJsonOptions.AllowUnsafeIntegers &&
            System.Numerics.BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture,
                out var big))
        {
            WriteAscii(big.ToString(CultureInfo.InvariantCulture));
            return true;
        }

        error = IsIntegerText(text)
            ? $"the integer {text} is outside the range canonical JSON allows"
            : $"the number {text} is not an integer; canonical JSON has no floats";
        return false;
    }

    private bool TryWriteInteger(long value, string text, ref string error)
    {
        if (options == CanonicalJsonOptions.Strict && value is > CanonicalJson.MaxSafeInteger or < CanonicalJson.MinSafeInteger)
        {
            error = $"the integer {text} is outside the range canonical JSON allows";
            return false;
        }

        WriteAscii(value.ToString(CultureInfo.InvariantCulture));
        return true;
    }

    private static bool IsIntegerText(string text) =>
        text.TrimStart('-').All(char.IsAsciiDigit);

    private static bool IsExcluded(string key, ReadOnlySpan<string> excluded)
    {
        foreach (var candidate in excluded)
        {
            if (candidate == key)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Writes a string with the canonical escapes; lone surrogates cannot be UTF-8 and are refused.</summary>
    private bool TryWriteString(string text, ref string error)
    {
        WriteByte((byte)'"');
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsSurrogate(c))
            {
                if (!char.IsHighSurrogate(c) || i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    error = LoneSurrogate;
                    return false;
                }

                i++;
                continue;
            }

            if (c >= 0x20 && c != '"' && c != '\\')
            {
                continue;
            }

            WriteUtf8(text.AsSpan(start, i - start));
            start = i + 1;
            switch (c)
            {
                case '"': WriteAscii("\\\""); break;
                case '\\': WriteAscii("\\\\"); break;
                case '\b': WriteAscii("\\b"); break;
                case '\f': WriteAscii("\\f"); break;
                case '\n': WriteAscii("\\n"); break;
                case '\r': WriteAscii("\\r"); break;
                case '\t': WriteAscii("\\t"); break;
                default: WriteAscii($"\\u{(int)c:x4}"); break;
            }
        }

        WriteUtf8(text.AsSpan(start));
        WriteByte((byte)'"');
        return true;
    }

    private void WriteUtf8(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return;
        }

        var span = output.GetSpan(System.Text.Encoding.UTF8.GetMaxByteCount(text.Length));
        var written = System.Text.Encoding.UTF8.GetBytes(text, span);
        output.Advance(written);
    }

    private void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(output.GetSpan(bytes.Length));
        output.Advance(bytes.Length);
    }

    private void WriteAscii(string text)
    {
        var span = output.GetSpan(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            span[i] = (byte)text[i];
        }

        output.Advance(text.Length);
    }

    private void WriteByte(byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }
}
