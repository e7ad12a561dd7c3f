using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Json;

namespace Homeserver.Core.Tests.Json;

/// <summary>
/// Numbers in canonical JSON. Room versions 1 to 5 (lenient) take any integer and floats, written as
/// Synapse writes them (Python's json: the integer's digits, the float's repr); from version 6 (strict)
/// the spec's canonical JSON: safe-range integers, integral floats written as integers, fractions refused.
/// Expected texts are Python 3's <c>json.dumps(json.loads(input))</c>.
/// </summary>
public sealed class CanonicalJsonNumberTests
{
    private static string Encode(string json, CanonicalJsonOptions options)
    {
        using var document = JsonDocument.Parse(json);
        Assert.True(CanonicalJson.TryEncode(document.RootElement, out var bytes, out var error, options), error);
        var fromElement = System.Text.Encoding.UTF8.GetString(bytes);
        Assert.True(CanonicalJson.TryEncode(JsonNode.Parse(json), out var nodeBytes, out error, options), error);
        Assert.Equal(fromElement, System.Text.Encoding.UTF8.GetString(nodeBytes));
        return fromElement;
    }

    [Theory]
    [InlineData("50.57", "50.57")]
    [InlineData("50.570", "50.57")]
    [InlineData("5e1", "50.0")]
    [InlineData("50.0", "50.0")]
    [InlineData("1E2", "100.0")]
    [InlineData("-0", "0")]
    [InlineData("-0.0", "-0.0")]
    [InlineData("0.0", "0.0")]
    [InlineData("1e16", "1e+16")]
    [InlineData("1e15", "1000000000000000.0")]
    [InlineData("0.0001", "0.0001")]
    [InlineData("0.00001", "1e-05")]
    [InlineData("1.5e300", "1.5e+300")]
    [InlineData("2.5e-7", "2.5e-07")]
    [InlineData("-1.25e-5", "-1.25e-05")]
    [InlineData("0.1", "0.1")]
    [InlineData("1e22", "1e+22")]
    [InlineData("123456789.123456789", "123456789.12345679")]
    [InlineData("9007199254740993.0", "9007199254740992.0")]
    [InlineData("5.114698E4", "51146.98")]
    [InlineData("5e-324", "5e-324")]
    [InlineData("1.7976931348623157e308", "1.7976931348623157e+308")]
    [InlineData("123e-2", "1.23")]
    [InlineData("100e-2", "1.0")]
    [InlineData("1234567890123456789.0", "1.2345678901234568e+18")]
    [InlineData("0.30000000000000004", "0.30000000000000004")]
    [InlineData("123456789012345678901234567890", "123456789012345678901234567890")]
    [InlineData("-123456789012345678901234567890", "-123456789012345678901234567890")]
    public void Lenient_numbers_are_written_as_synapse_writes_them(string number, string expected) =>
        Assert.Equal($"{{\"a\":{expected}}}", Encode($"{{\"a\":{number}}}", CanonicalJsonOptions.Lenient));

    [Theory]
    [InlineData("1e400")]
    [InlineData("-1e400")]
    public void Lenient_floats_beyond_a_double_are_refused(string number)
    {
        using var document = JsonDocument.Parse($"{{\"a\":{number}}}");
        Assert.False(CanonicalJson.TryEncode(document.RootElement, out _, out var error, CanonicalJsonOptions.Lenient));
        Assert.Contains("double", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("50.0", "50")]
    [InlineData("1e10", "10000000000")]
    [InlineData("-0", "0")]
    public void Strict_mode_writes_integral_numbers_as_integers_as_the_spec_appendix_does(string number, string expected) =>
        Assert.Equal($"{{\"a\":{expected}}}", Encode($"{{\"a\":{number}}}", CanonicalJsonOptions.Strict));

    [Fact]
    public void Strict_mode_refuses_fractions()
    {
        using var document = JsonDocument.Parse("{\"a\":50.57}");
        Assert.False(CanonicalJson.TryEncode(document.RootElement, out _, out var error));
        Assert.Contains("not an integer", error, StringComparison.Ordinal);
    }
}
