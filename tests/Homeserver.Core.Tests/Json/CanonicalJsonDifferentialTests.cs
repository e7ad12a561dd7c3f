using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Json;

namespace Homeserver.Core.Tests.Json;

/// <summary>The JsonElement writer (raw UTF-8 fast paths) and the JsonNode writer must agree on every input.</summary>
public sealed class CanonicalJsonDifferentialTests
{
    private static readonly string[] Pieces =
        ["a", "b", "Z", "_", "é", "日本", "\U0001F600", "\uFF21", "\"", "\\", "\n", "\t", "\u0001", "\u007f", "\u2028", "/", " "];

    private static string RandomText(Random random)
    {
        var text = new StringBuilder();
        for (var i = random.Next(0, 5); i > 0; i--)
        {
            text.Append(Pieces[random.Next(Pieces.Length)]);
        }

        return text.ToString();
    }

    private static JsonNode? RandomValue(Random random, int depth) => random.Next(depth > 3 ? 4 : 7) switch
    {
        0 => JsonValue.Create(RandomText(random)),
        1 => JsonValue.Create(random.NextInt64(-9_007_199_254_740_991, 9_007_199_254_740_991)),
        2 => JsonValue.Create(random.Next(2) == 0),
        3 => null,
        4 or 5 => RandomObject(random, depth + 1),
        _ => new JsonArray(Enumerable.Range(0, random.Next(4)).Select(_ => RandomValue(random, depth + 1)).ToArray()),
    };

    private static JsonObject RandomObject(Random random, int depth)
    {
        var obj = new JsonObject();
        for (var i = random.Next(0, 6); i > 0; i--)
        {
            obj[RandomText(random)] = RandomValue(random, depth);
        }

        return obj;
    }

    [Fact]
    public void Element_and_node_writers_agree_on_random_documents()
    {
        var random = new Random(20261121);
        for (var i = 0; i < 2000; i++)
        {
            var node = RandomObject(random, 0);

            // The node built from CLR values never touches the element path: it is the reference.
            Assert.True(CanonicalJson.TryEncode(node, out var reference, out var referenceError), referenceError);

            // Serialise with escapes in both styles: System.Text.Json escapes non-ASCII, the relaxed
            // encoder leaves it raw, so both raw and escaped names and strings reach the element path.
            foreach (var text in new[]
                     {
                         node.ToJsonString(),
                         node.ToJsonString(new JsonSerializerOptions
                             { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }),
                     })
            {
                using var document = JsonDocument.Parse(text);
                Assert.True(CanonicalJson.TryEncode(document.RootElement, out var fromElement, out var error), error);
                Assert.True(CanonicalJson.TryEncode(JsonNode.Parse(text), out var fromNode, out error), error);
                Assert.Equal(System.Text.Encoding.UTF8.GetString(reference), System.Text.Encoding.UTF8.GetString(fromElement));
                Assert.Equal(reference, fromNode);
            }
        }
    }

    [Fact]
    public void Escaped_and_raw_names_in_one_object_sort_by_code_point()
    {
        Assert.True(CanonicalJson.TryCanonicalise("{\"b\":1,\"\\u0061\":2,\"\\u00e9\":3,\"z\":4}", out var canonical, out _));
        Assert.Equal("{\"a\":2,\"b\":1,\"z\":4,\"é\":3}", canonical);
    }

    [Fact]
    public void Duplicate_names_written_differently_are_still_duplicates() =>
        Assert.False(CanonicalJson.TryCanonicalise("{\"a\":1,\"\\u0061\":2}", out _, out _));

    [Theory]
    [InlineData("{\"a\":-0}", "{\"a\":0}")]
    [InlineData("{\"a\":10.0}", "{\"a\":10}")]
    [InlineData("{\"a\":1E2}", "{\"a\":100}")]
    [InlineData("{\"a\":-12345678901234}", "{\"a\":-12345678901234}")]
    public void Numbers_take_the_fast_or_the_full_path_with_the_same_result(string input, string expected)
    {
        Assert.True(CanonicalJson.TryCanonicalise(input, out var canonical, out var error), error);
        Assert.Equal(expected, canonical);
    }
}
