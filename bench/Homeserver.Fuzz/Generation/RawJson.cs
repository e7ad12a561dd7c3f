using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Homeserver.Fuzz.Generation;

/// <summary>
/// Serialises a JSON tree in which some values or keys are placeholders for raw bytes: text a JSON writer refuses to
/// produce (lone surrogate escapes, invalid UTF-8, numbers beyond double, nesting past any parser's limit).
/// </summary>
public sealed partial class RawJson
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly List<byte[]> _raw = [];

    /// <summary>A string to put where the raw bytes go (as a value or a key); it is replaced with its quotes.</summary>
    public string Placeholder(byte[] raw)
    {
        _raw.Add(raw);
        return $"FUZZRAW{_raw.Count - 1}Z";
    }

    public string Placeholder(string rawText) => Placeholder(Encoding.UTF8.GetBytes(rawText));

    public byte[] Serialize(JsonNode? node)
    {
        var text = node is null ? "null" : node.ToJsonString(Relaxed);
        if (_raw.Count == 0)
        {
            return Encoding.UTF8.GetBytes(text);
        }

        using var output = new MemoryStream();
        var last = 0;
        foreach (Match match in PlaceholderPattern().Matches(text))
        {
            output.Write(Encoding.UTF8.GetBytes(text[last..match.Index]));
            output.Write(_raw[int.Parse(match.Groups[1].ValueSpan, System.Globalization.CultureInfo.InvariantCulture)]);
            last = match.Index + match.Length;
        }

        output.Write(Encoding.UTF8.GetBytes(text[last..]));
        return output.ToArray();
    }

    [GeneratedRegex("\"FUZZRAW([0-9]+)Z\"")]
    private static partial Regex PlaceholderPattern();
}
