using System.Text;
using Homeserver.Services.Media.UrlPreview;

namespace Homeserver.Services.Tests.Media;

public sealed class HtmlCharsetTests
{
    static HtmlCharsetTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private static byte[] Bytes(string text, string encoding) => Encoding.GetEncoding(encoding).GetBytes(text);

    [Fact]
    public void A_meta_charset_is_honoured()
    {
        var body = Bytes("<meta charset=\"windows-1251\"><title>Привет</title>", "windows-1251");

        Assert.Contains("Привет", HtmlCharset.Decode(body, "utf-8"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_meta_http_equiv_content_type_is_honoured()
    {
        var body = Bytes("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-7\"><p>Γειά</p>",
            "iso-8859-7");

        Assert.Contains("Γειά", HtmlCharset.Decode(body, null), StringComparison.Ordinal);
    }

    [Fact]
    public void The_content_type_charset_is_used_when_the_page_declares_none()
    {
        var body = Bytes("<title>Grüße</title>", "iso-8859-1");

        Assert.Contains("Grüße", HtmlCharset.Decode(body, "ISO-8859-1"), StringComparison.Ordinal);
    }

    [Fact]
    public void Without_declarations_utf8_is_tried_then_windows_1252()
    {
        Assert.Contains("Grüße", HtmlCharset.Decode(Encoding.UTF8.GetBytes("<p>Grüße</p>"), null), StringComparison.Ordinal);
        Assert.Contains("naïve €", HtmlCharset.Decode(Bytes("<p>naïve €</p>", "windows-1252"), null),
            StringComparison.Ordinal);
    }

    [Fact]
    public void A_byte_order_mark_wins_over_declarations()
    {
        var body = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("<meta charset=\"latin1\"><p>ü</p>")).ToArray();

        Assert.Contains("<p>ü</p>", HtmlCharset.Decode(body, "latin1"), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_charset_falls_back()
    {
        Assert.Contains("ü", HtmlCharset.Decode(Encoding.UTF8.GetBytes("<meta charset=\"nonsense-9\"><p>ü</p>"), "x-bogus"),
            StringComparison.Ordinal);
    }
}
