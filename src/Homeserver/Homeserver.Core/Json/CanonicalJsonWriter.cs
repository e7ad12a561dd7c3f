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

    /// <summary>
    /// The one place numbers are decided. Strict (room versions from 6, and signing outside rooms): the
    /// spec's canonical JSON, integers in the safe range, an integral number written with a fraction or
    /// exponent taken as that integer (the appendix turns 1e10 into 10000000000; Synapse instead refuses
    /// any float in such events), other floats refused. Lenient (room versions 1 to 5, which must not be
    /// held to canonical JSON) follows Synapse, whose hashes and signatures those rooms carry: it parses
    /// event JSON with Python's json module and re-encodes it to hash and sign, so a number with a
    /// fraction or exponent is a float written as its repr (5e1 as 50.0, 50.570 as 50.57) and any other
    /// an integer of any size written as its digits (-0 as 0). The sender's text is not kept: an event
    /// whose sender wrote 50.570 is hashed and its signature checked over 50.57, here as on Synapse, and a
    /// Pdu keeps that form.
    /// </summary>
    private bool TryWriteNumber(string text, ref string error)
    {
        if (options == CanonicalJsonOptions.Lenient && !IsIntegerText(text))
        {
            if (!PythonFloatText.TryFormat(text, out var floatText))
            {
                error = $"the number {text} is beyond the range of a double";
                return false;
            }

            WriteAscii(floatText);
            return true;
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return TryWriteInteger(integer, text, ref error);
        }

        if (options == CanonicalJsonOptions.Lenient &&
            System.Numerics.BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture,
                out var big))
        {
            WriteAscii(big.ToString(CultureInfo.InvariantCulture));
            return true;
        }

        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) &&
            number == decimal.Truncate(number) && number is >= long.MinValue and <= long.MaxValue)
        {
            return TryWriteInteger((long)number, text, ref error);
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
