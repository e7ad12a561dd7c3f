using Homeserver.Core.Encoding;

namespace Homeserver.Core.Tests.Json;

public sealed class UnpaddedBase64Tests
{
    [Theory]
    [InlineData("", "")]
    [InlineData("f", "Zg")]
    [InlineData("fo", "Zm8")]
    [InlineData("foo", "Zm9v")]
    [InlineData("foob", "Zm9vYg")]
    [InlineData("fooba", "Zm9vYmE")]
    [InlineData("foobar", "Zm9vYmFy")]
    public void Spec_examples_encode_and_round_trip(string plain, string encoded)
    {
        var bytes = System.Text.Encoding.ASCII.GetBytes(plain);
        Assert.Equal(encoded, UnpaddedBase64.Encode(bytes));
        Assert.Equal(bytes, UnpaddedBase64.Decode(encoded));
    }

    [Fact]
    public void Url_safe_encoding_uses_dash_and_underscore_and_decodes_back()
    {
        var bytes = new byte[] { 0xfb, 0xff, 0xbf };
        Assert.Equal("+/+/", UnpaddedBase64.Encode(bytes));
        Assert.Equal("-_-_", UnpaddedBase64.EncodeUrlSafe(bytes));
        Assert.Equal(bytes, UnpaddedBase64.Decode("-_-_"));
    }

    [Fact]
    public void Padded_input_is_accepted() => Assert.Equal("f"u8.ToArray(), UnpaddedBase64.Decode("Zg=="));

    [Theory]
    [InlineData("Z")]
    [InlineData("Zm9v!")]
    [InlineData("Zm 9v")]
    public void Invalid_base64_is_rejected(string text) => Assert.False(UnpaddedBase64.TryDecode(text, out _));
}
