using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Json;

namespace Homeserver.Core.Tests.Json;

public sealed class CanonicalJsonTests
{
    public static TheoryData<string, string> SpecExamples => new()
    {
        { "{}", "{}" },
        { "{\n    \"one\": 1,\n    \"two\": \"Two\"\n}", "{\"one\":1,\"two\":\"Two\"}" },
        { "{\n    \"b\": \"2\",\n    \"a\": \"1\"\n}", "{\"a\":\"1\",\"b\":\"2\"}" },
        { "{\"b\":\"2\",\"a\":\"1\"}", "{\"a\":\"1\",\"b\":\"2\"}" },
        {
            """
            {"auth": {"success": true, "mxid": "@john.doe:example.com", "profile": {"display_name": "John Doe",
             "three_pids": [{"medium": "email", "address": "john.doe@example.org"},
                            {"medium": "msisdn", "address": "123456789"}]}}}
            """,
            "{\"auth\":{\"mxid\":\"@john.doe:example.com\",\"profile\":{\"display_name\":\"John Doe\",\"three_pids\":[{\"address\":\"john.doe@example.org\",\"medium\":\"email\"},{\"address\":\"123456789\",\"medium\":\"msisdn\"}]},\"success\":true}}"
        },
        { "{\"a\": \"日本語\"}", "{\"a\":\"日本語\"}" },
        { "{\"本\": 2, \"日\": 1}", "{\"日\":1,\"本\":2}" },
        { "{\"a\": \"\\u65E5\"}", "{\"a\":\"日\"}" },
        { "{\"a\": null}", "{\"a\":null}" },
        { "{\"a\": -0, \"b\": 1e10}", "{\"a\":0,\"b\":10000000000}" },
    };

    [Theory]
    [MemberData(nameof(SpecExamples))]
    public void Spec_appendix_examples_encode_exactly(string input, string expected)
    {
        Assert.True(CanonicalJson.TryCanonicalise(input, out var canonical, out var error), error);
        Assert.Equal(expected, canonical);
    }

    [Theory]
    [MemberData(nameof(SpecExamples))]
    public void JsonNode_and_JsonElement_encode_identically(string input, string expected)
    {
        var node = JsonNode.Parse(input);
        Assert.Equal(expected, CanonicalJson.EncodeToString(node));
    }

    [Fact]
    public void Canonical_json_sorts_keys_by_code_point_not_utf16()
    {
        // U+1F600 is a surrogate pair in UTF-16 (0xD83D...), which sorts below U+FF21 in UTF-16 order
        // but above it by code point.
        var json = "{\"\uFF21\":1,\"\U0001F600\":2,\"a\":3}";
        Assert.True(CanonicalJson.TryCanonicalise(json, out var canonical, out _));
        Assert.Equal("{\"a\":3,\"\uFF21\":1,\"\U0001F600\":2}", canonical);
    }

    [Fact]
    public void Control_characters_use_short_escapes_and_lowercase_hex()
    {
        var node = new JsonObject { ["a"] = "\"\\\b\f\n\r\t\u0001\u001f/\u007f\u2028" };
        Assert.Equal("{\"a\":\"\\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u001f/\u007f\u2028\"}", CanonicalJson.EncodeToString(node));
    }

    [Fact]
    public void Non_ascii_is_written_as_utf8_not_escaped()
    {
        var bytes = CanonicalJson.Encode(new JsonObject { ["a"] = "é" });
        Assert.Equal(new byte[] { (byte)'{', (byte)'"', (byte)'a', (byte)'"', (byte)':', (byte)'"', 0xC3, 0xA9, (byte)'"', (byte)'}' }, bytes);
    }

    [Theory]
    [InlineData("{\"a\":1.5}", "not an integer")]
    [InlineData("{\"a\":1e-3}", "not an integer")]
    [InlineData("{\"a\":9007199254740992}", "outside the range")]
    [InlineData("{\"a\":-9007199254740992}", "outside the range")]
    [InlineData("{\"a\":123456789012345678901234567890}", "outside the range")]
    [InlineData("{\"a\":1,\"a\":2}", "duplicate key")]
    public void Values_canonical_json_forbids_are_rejected(string input, string reasonPart)
    {
        Assert.False(CanonicalJson.TryCanonicalise(input, out _, out var error));
        Assert.Contains(reasonPart, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"a\":\"\\ud800\"}")]
    [InlineData("{\"\\udc00\":1}")]
    public void Lone_surrogates_are_rejected_because_they_are_not_utf8(string input)
    {
        Assert.False(CanonicalJson.TryCanonicalise(input, out _, out var error));
        Assert.Contains("surrogate", error, StringComparison.Ordinal);
        Assert.False(CanonicalJson.TryEncode(JsonNode.Parse(input), out _, out error));
        Assert.Contains("surrogate", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Surrogate_pairs_are_encoded_as_four_byte_utf8()
    {
        Assert.True(CanonicalJson.TryCanonicalise("{\"a\":\"\\ud83d\\ude00\"}", out var canonical, out _));
        Assert.Equal("{\"a\":\"\U0001F600\"}", canonical);
    }

    [Fact]
    public void A_JsonNode_parsed_from_text_with_a_repeated_key_is_rejected_not_thrown()
    {
        Assert.False(CanonicalJson.TryEncode(JsonNode.Parse("{\"a\":{\"b\":1,\"b\":2}}"), out _, out var error));
        Assert.Contains("duplicate", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Floats_in_a_JsonNode_are_rejected()
    {
        Assert.False(CanonicalJson.TryEncode(new JsonObject { ["a"] = 0.5 }, out _, out var error));
        Assert.Contains("not an integer", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"a\":9007199254740991}")]
    [InlineData("{\"a\":-9007199254740991}")]
    public void The_ends_of_the_safe_integer_range_are_accepted(string input)
    {
        Assert.True(CanonicalJson.TryCanonicalise(input, out var canonical, out _));
        Assert.Equal(input, canonical);
    }

    [Fact]
    public void Excluded_top_level_keys_are_left_out_but_nested_ones_are_kept()
    {
        using var document = JsonDocument.Parse("{\"b\":{\"unsigned\":1},\"unsigned\":2,\"a\":3}");
        Assert.True(CanonicalJson.TryEncode(document.RootElement, ["unsigned"], out var bytes, out _));
        Assert.Equal("{\"a\":3,\"b\":{\"unsigned\":1}}", System.Text.Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void Arrays_keep_their_order()
    {
        Assert.True(CanonicalJson.TryCanonicalise("[3, 1, {\"b\":true,\"a\":false}]", out var canonical, out _));
        Assert.Equal("[3,1,{\"a\":false,\"b\":true}]", canonical);
    }
}
