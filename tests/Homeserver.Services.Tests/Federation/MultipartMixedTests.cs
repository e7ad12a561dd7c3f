using System.Text;
using Homeserver.Services.Federation.Queries;

namespace Homeserver.Services.Tests.Federation;

public sealed class MultipartMixedTests
{
    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public void Two_parts_are_read_with_their_headers_and_exact_bytes()
    {
        var body = Bytes("preamble\r\n--b0\r\nContent-Type: application/json\r\n\r\n{}\r\n--b0\r\n" +
                         "Content-Type: image/png\r\nContent-Disposition: attachment; filename=a.png\r\n\r\n" +
                         "\r\n--b0x not a delimiter\r\n\r\n--b0--\r\nepilogue");

        var parts = MultipartMixed.TryRead("multipart/mixed; boundary=\"b0\"", body)!;

        Assert.Equal(2, parts.Count);
        Assert.Equal("application/json", parts[0].Header("Content-Type"));
        Assert.Equal("{}", Encoding.UTF8.GetString(parts[0].Body.Span));
        Assert.Equal("image/png", parts[1].Header("content-type"));
        Assert.Equal("attachment; filename=a.png", parts[1].Header("Content-Disposition"));
        Assert.Equal("\r\n--b0x not a delimiter\r\n", Encoding.UTF8.GetString(parts[1].Body.Span));
    }

    [Fact]
    public void A_location_part_has_no_body()
    {
        var parts = MultipartMixed.TryRead("multipart/mixed; boundary=xyz",
            Bytes("--xyz\r\nContent-Type: application/json\r\n\r\n{}\r\n--xyz\r\nLocation: https://cdn.test/m\r\n\r\n\r\n--xyz--"))!;

        Assert.Equal("https://cdn.test/m", parts[1].Header("Location"));
        Assert.True(parts[1].Body.IsEmpty);
    }

    [Theory]
    [InlineData("application/json", "--b\r\n\r\n{}\r\n--b--")]
    [InlineData("multipart/mixed", "--b\r\n\r\n{}\r\n--b--")]
    [InlineData("multipart/mixed; boundary=b", "--b\r\nContent-Type: application/json\r\n\r\n{}")]
    [InlineData("multipart/mixed; boundary=b", "--b\r\nno header colon\r\n\r\n{}\r\n--b--")]
    [InlineData("multipart/mixed; boundary=b", "no delimiter at all")]
    public void Malformed_bodies_and_other_types_are_refused(string contentType, string body) =>
        Assert.Null(MultipartMixed.TryRead(contentType, Bytes(body)));
}
