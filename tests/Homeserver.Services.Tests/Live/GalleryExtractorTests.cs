using System.Text.Json;
using Homeserver.Services.Live.Gallery;

namespace Homeserver.Services.Tests.Live;

public sealed class GalleryExtractorTests
{
    private static IReadOnlyList<GalleryItem> Extract(string json, string type = "m.room.message") =>
        GalleryExtractor.Extract(type, JsonDocument.Parse(json).RootElement);

    private static List<string> Links(string body, string? html = null) =>
        LinkFinder.Find(body, html, GalleryExtractor.MaxLinksPerEvent).ToList();

    [Fact]
    public void A_text_message_gives_the_http_and_https_links_of_its_body()
    {
        var items = Extract("""{"msgtype":"m.text","body":"see https://a.example/x and http://b.example/?q=1 now"}""");

        Assert.Equal(new[] { new GalleryItem("link", "https://a.example/x"), new GalleryItem("link", "http://b.example/?q=1") },
            items);
    }

    [Theory]
    [InlineData("ftp://files.example/a")]
    [InlineData("javascript:alert(1)")]
    [InlineData("mxc://server/media")]
    [InlineData("xhttps://glued.example/a")]
    [InlineData("https://")]
    public void Only_web_links_count(string body) => Assert.Empty(Links(body));

    [Theory]
    [InlineData("look: https://a.example/page.", "https://a.example/page")]
    [InlineData("(see https://a.example/page)", "https://a.example/page")]
    [InlineData("https://en.example/wiki/Foo_(bar)", "https://en.example/wiki/Foo_(bar)")]
    [InlineData("[site](https://a.example/x)", "https://a.example/x")]
    [InlineData("really?! https://a.example/q?x=1!?", "https://a.example/q?x=1")]
    [InlineData("<https://a.example/angle>", "https://a.example/angle")]
    [InlineData("HTTPS://A.example/Upper", "HTTPS://A.example/Upper")]
    public void Prose_around_a_link_is_not_part_of_it(string body, string link) =>
        Assert.Equal(new[] { link }, Links(body));

    [Fact]
    public void Anchors_of_the_html_body_count_and_a_link_appears_once()
    {
        var items = Extract("""
            {"msgtype":"m.text","body":"docs https://a.example/x","format":"org.matrix.custom.html",
             "formatted_body":"docs <a href=\"https://a.example/x\">here</a> and <A class='c' HREF='https://b.example/?a=1&amp;b=2'>there</A> <a data-href=\"https://no.example\">x</a> <a href=\"mxc://s/m\">m</a>"}
            """);

        Assert.Equal(new[] { "https://a.example/x", "https://b.example/?a=1&b=2" }, items.Select(i => i.Url));
    }

    [Fact]
    public void Html_of_another_format_is_not_read()
    {
        var items = Extract("""
            {"msgtype":"m.text","body":"plain","format":"something.else","formatted_body":"<a href=\"https://a.example\">a</a>"}
            """);

        Assert.Empty(items);
    }

    [Fact]
    public void An_event_gives_at_most_ten_links()
    {
        var body = string.Join(' ', Enumerable.Range(0, 25).Select(i => $"https://a.example/{i}"));

        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"https://a.example/{i}"),
            Extract($$"""{"msgtype":"m.text","body":"{{body}}"}""").Select(i => i.Url));
    }

    [Fact]
    public void A_link_longer_than_the_limit_is_left_out()
    {
        var link = "https://a.example/" + new string('a', LinkFinder.MaxLinkLength);

        Assert.Equal(new[] { "https://b.example/" }, Links(link + " https://b.example/"));
    }

    [Theory]
    [InlineData("m.image", "image")]
    [InlineData("m.video", "video")]
    [InlineData("m.audio", "audio")]
    [InlineData("m.file", "file")]
    public void A_media_message_is_one_entry_of_its_kind(string msgtype, string kind)
    {
        var items = Extract($$$"""
            {"msgtype":"{{{msgtype}}}","body":"cat.png https://not-a-link.example","url":"mxc://server/abc","info":{"mimetype":"image/png"}}
            """);

        Assert.Equal(new[] { new GalleryItem(kind, "mxc://server/abc") }, items);
    }

    [Fact]
    public void A_sticker_is_an_image()
    {
        Assert.Equal(new[] { new GalleryItem("image", "mxc://server/sticker") },
            Extract("""{"body":"wave","url":"mxc://server/sticker","info":{}}""", "m.sticker"));
    }

    [Theory]
    [InlineData("""{"msgtype":"m.image","body":"x.png","file":{"url":"mxc://server/enc"}}""")]
    [InlineData("""{"msgtype":"m.image","body":"x.png","url":"https://server/not-mxc"}""")]
    [InlineData("""{"msgtype":"m.image","body":"x.png","url":"mxc://"}""")]
    [InlineData("""{"msgtype":"m.file","body":"x","url":5}""")]
    public void Media_without_a_plain_mxc_url_gives_nothing(string content) => Assert.Empty(Extract(content));

    [Fact]
    public void Encrypted_events_and_other_types_give_nothing()
    {
        Assert.Empty(Extract("""{"algorithm":"m.megolm.v1.aes-sha2","ciphertext":"https://a.example"}""",
            "m.room.encrypted"));
        Assert.Empty(Extract("""{"topic":"https://a.example"}""", "m.room.topic"));
        Assert.Empty(Extract("""{"body":"https://a.example","key":"x"}""", "m.reaction"));
    }

    [Fact]
    public void Edits_give_nothing_the_original_entries_stand()
    {
        var edit = Extract("""
            {"msgtype":"m.text","body":"* https://new.example","m.new_content":{"msgtype":"m.text","body":"https://new.example"},
             "m.relates_to":{"rel_type":"m.replace","event_id":"$original"}}
            """);
        var reply = Extract("""
            {"msgtype":"m.text","body":"https://reply.example","m.relates_to":{"m.in_reply_to":{"event_id":"$original"}}}
            """);

        Assert.Empty(edit);
        Assert.Equal(new[] { "https://reply.example" }, reply.Select(i => i.Url));
    }

    [Fact]
    public void Malformed_content_gives_nothing()
    {
        Assert.Empty(Extract("""{"msgtype":"m.text","body":42}"""));
        Assert.Empty(Extract("""["https://a.example"]"""));
        Assert.Empty(Extract("""{"msgtype":"m.text","body":"x","format":"org.matrix.custom.html","formatted_body":{"a":1}}"""));
    }
}

public sealed class GalleryTokenTests
{
    [Fact]
    public void A_token_reads_back_as_the_position_it_was_made_from()
    {
        var position = new GalleryPosition(1234567, 3);

        Assert.Equal(position, GalleryToken.Parse(GalleryToken.Format(position)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("g")]
    [InlineData("g12")]
    [InlineData("g_1")]
    [InlineData("g1_")]
    [InlineData("s12_1")]
    [InlineData("g-1_2")]
    [InlineData("g1_-2")]
    [InlineData("g99999999999999999999_1")]
    public void A_malformed_token_is_invalid_param(string token)
    {
        var error = Assert.Throws<Homeserver.Core.Errors.MatrixException>(() => GalleryToken.Parse(token));
        Assert.Equal("M_INVALID_PARAM", error.Code.Code);
    }
}
