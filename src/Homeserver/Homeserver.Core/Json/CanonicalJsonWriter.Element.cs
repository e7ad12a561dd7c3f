using System.Buffers;
using System.Buffers.Text;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Homeserver.Core.Json;

/// <summary>
/// The <see cref="JsonElement"/> walk of the canonical JSON writer. Names and strings without escapes
/// are copied as the raw UTF-8 the document holds (already validated, and byte order is code point
/// order); anything with an escape goes through the decoding path.
/// </summary>
internal sealed partial class CanonicalJsonWriter
{
    private static readonly SearchValues<byte> IntegerBytes = SearchValues.Create("-0123456789"u8);

    private bool TryWriteElement(JsonElement value, ReadOnlySpan<string> excluded, int depth, ref string error)
    {
        if (depth > MaxDepth)
        {
            error = "JSON is nested too deeply";
            return false;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                return TryWriteObject(value, excluded, depth, ref error);
            case JsonValueKind.Array:
                WriteByte((byte)'[');
                var first = true;
                foreach (var item in value.EnumerateArray())
                {
                    if (!first)
                    {
                        WriteByte((byte)',');
                    }

                    first = false;
                    if (!TryWriteElement(item, [], depth + 1, ref error))
                    {
                        return false;
                    }
                }

                WriteByte((byte)']');
                return true;
            case JsonValueKind.String:
                var raw = JsonMarshal.GetRawUtf8Value(value);
                if (!raw.Contains((byte)'\\'))
                {
                    WriteRaw(raw);
                    return true;
                }

                return TryWriteString(value.GetString()!, ref error);
            case JsonValueKind.Number:
                return TryWriteRawNumber(JsonMarshal.GetRawUtf8Value(value), ref error) ||
                       (error.Length == 0 && TryWriteNumber(value.GetRawText(), ref error));
            case JsonValueKind.True:
                WriteAscii("true");
                return true;
            case JsonValueKind.False:
                WriteAscii("false");
                return true;
            case JsonValueKind.Null:
                WriteAscii("null");
                return true;
            default:
                error = "not a JSON value";
                return false;
        }
    }

    private bool TryWriteObject(JsonElement value, ReadOnlySpan<string> excluded, int depth, ref string error)
    {
        var members = new List<JsonProperty>();
        var anyEscapedName = false;
        foreach (var property in value.EnumerateObject())
        {
            if (!IsExcluded(property, excluded))
            {
                members.Add(property);
                anyEscapedName |= JsonMarshal.GetRawUtf8PropertyName(property).Contains((byte)'\\');
            }
        }

        if (anyEscapedName)
        {
            return TryWriteDecodedObject(members, depth, ref error);
        }

        members.Sort(static (a, b) =>
            JsonMarshal.GetRawUtf8PropertyName(a).SequenceCompareTo(JsonMarshal.GetRawUtf8PropertyName(b)));
        WriteByte((byte)'{');
        for (var i = 0; i < members.Count; i++)
        {
            var name = JsonMarshal.GetRawUtf8PropertyName(members[i]);
            if (i > 0)
            {
                if (name.SequenceEqual(JsonMarshal.GetRawUtf8PropertyName(members[i - 1])))
                {
                    error = $"duplicate key '{members[i].Name}'";
                    return false;
                }

                WriteByte((byte)',');
            }

            WriteByte((byte)'"');
            WriteRaw(name);
            WriteByte((byte)'"');
            WriteByte((byte)':');
            if (!TryWriteElement(members[i].Value, [], depth + 1, ref error))
            {
                return false;
            }
        }

        WriteByte((byte)'}');
        return true;
    }

    /// <summary>The object path for names with escapes: decode them, sort by code point, re-escape.</summary>
    private bool TryWriteDecodedObject(List<JsonProperty> properties, int depth, ref string error)
    {
        var members = properties.ConvertAll(p => new KeyValuePair<string, JsonElement>(p.Name, p.Value));
        members.Sort((a, b) => CodePointComparer.Instance.Compare(a.Key, b.Key));
        WriteByte((byte)'{');
        for (var i = 0; i < members.Count; i++)
        {
            if (i > 0)
            {
                if (members[i].Key == members[i - 1].Key)
                {
                    error = $"duplicate key '{members[i].Key}'";
                    return false;
                }

                WriteByte((byte)',');
            }

            if (!TryWriteString(members[i].Key, ref error))
            {
                return false;
            }

            WriteByte((byte)':');
            if (!TryWriteElement(members[i].Value, [], depth + 1, ref error))
            {
                return false;
            }
        }

        WriteByte((byte)'}');
        return true;
    }

    /// <summary>
    /// Writes a plain integer (optional '-', digits, no fraction or exponent) straight from its raw
    /// bytes; false with an empty error means "not that simple form", to be handled by the full parser.
    /// </summary>
    private bool TryWriteRawNumber(ReadOnlySpan<byte> raw, ref string error)
    {
        if (raw.Length > 17 || raw.ContainsAnyExcept(IntegerBytes) ||
            !Utf8Parser.TryParse(raw, out long number, out var consumed) || consumed != raw.Length)
        {
            return false;
        }

        if (options == CanonicalJsonOptions.Strict && number is > CanonicalJson.MaxSafeInteger or < CanonicalJson.MinSafeInteger)
        {
            error = $"the integer {System.Text.Encoding.ASCII.GetString(raw)} is outside the range canonical JSON allows";
            return false;
        }

        var span = output.GetSpan(20);
        Utf8Formatter.TryFormat(number, span, out var written);
        output.Advance(written);
        return true;
    }

    private static bool IsExcluded(JsonProperty property, ReadOnlySpan<string> excluded)
    {
        foreach (var candidate in excluded)
        {
            if (property.NameEquals(candidate))
            {
                return true;
            }
        }

        return false;
    }
}
