using Homeserver.Core.Federation;

namespace Homeserver.Core.Tests.Federation;

public sealed class XMatrixAuthorizationTests
{
    [Fact]
    public void The_spec_example_parses()
    {
        Assert.True(XMatrixAuthorization.TryParse(
            "X-Matrix origin=\"origin.hs.example.com\",destination=\"destination.hs.example.com\",key=\"ed25519:key1\",sig=\"ABCDEF...\"",
            out var header, out var error), error);
        Assert.Equal(new XMatrixAuthorization("origin.hs.example.com", "destination.hs.example.com", "ed25519:key1",
            "ABCDEF..."), header);
    }

    [Fact]
    public void Unquoted_values_names_in_any_case_and_spaces_around_commas_are_accepted()
    {
        Assert.True(XMatrixAuthorization.TryParse(
            "X-Matrix  ORIGIN=origin.example:8448 , Destination = \"dest.example\",Key=ed25519:a_b1,   SIG=ab+c/d",
            out var header, out var error), error);
        Assert.Equal(new XMatrixAuthorization("origin.example:8448", "dest.example", "ed25519:a_b1", "ab+c/d"), header);
    }

    [Fact]
    public void Escaped_characters_in_quoted_values_are_unescaped()
    {
        Assert.True(XMatrixAuthorization.TryParse(
            "X-Matrix origin=\"a\\\"b\\\\c\\d\",key=\"ed25519:k\",sig=\"s\"", out var header, out var error), error);
        Assert.Equal("a\"b\\cd", header!.Origin);
    }

    [Fact]
    public void Destination_may_be_absent_and_unknown_parameters_are_ignored()
    {
        Assert.True(XMatrixAuthorization.TryParse(
            "X-Matrix origin=o.example,key=\"ed25519:k\",sig=\"s\",extra=\"x, y\",,", out var header, out var error),
            error);
        Assert.Null(header!.Destination);
        Assert.Equal("s", header.Signature);
    }

    [Theory]
    [InlineData("Bearer abc")]
    [InlineData("X-Matrix")]
    [InlineData("X-Matrixorigin=a,key=b,sig=c")]
    [InlineData("X-Matrix origin=a,key=ed25519:k")]
    [InlineData("X-Matrix key=ed25519:k,sig=s")]
    [InlineData("X-Matrix origin=\"a,key=ed25519:k,sig=s")]
    [InlineData("X-Matrix origin=a key=ed25519:k,sig=s")]
    [InlineData("X-Matrix origin=,key=ed25519:k,sig=s")]
    [InlineData("X-Matrix origin=a,origin=b,key=ed25519:k,sig=s")]
    [InlineData("X-Matrix origin a,key=ed25519:k,sig=s")]
    public void Malformed_headers_are_refused(string header)
    {
        Assert.False(XMatrixAuthorization.TryParse(header, out var parsed, out var error));
        Assert.Null(parsed);
        Assert.NotEmpty(error);
    }

    [Fact]
    public void The_written_header_reads_back()
    {
        var header = new XMatrixAuthorization("o.example:8448", "d.example", "ed25519:k1", "a+b/c");
        Assert.Equal("X-Matrix origin=\"o.example:8448\",destination=\"d.example\",key=\"ed25519:k1\",sig=\"a+b/c\"",
            header.ToHeaderValue());
        Assert.True(XMatrixAuthorization.TryParse(header.ToHeaderValue(), out var parsed, out _));
        Assert.Equal(header, parsed);
    }

    [Fact]
    public void Quotes_and_backslashes_are_escaped_when_written()
    {
        var header = new XMatrixAuthorization("a\"b\\c", null, "ed25519:k", "s");
        Assert.True(XMatrixAuthorization.TryParse(header.ToHeaderValue(), out var parsed, out _));
        Assert.Equal(header, parsed);
    }
}
