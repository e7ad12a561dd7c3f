using System.Text;
using Homeserver.Services.Media.UrlPreview;

namespace Homeserver.Services.Tests.Media;

public sealed class OpenGraphParserTests
{
    [Fact]
    public void OpenGraph_article_and_profile_tags_are_taken_as_they_are()
    {
        var og = OpenGraphParser.Parse("""
            <html><head><title>Ignored title</title>
            <meta property="og:title" content="The title">
            <meta property="og:description" content="The   description">
            <meta property="og:image" content="/img.png">
            <meta property="og:type" content="article">
            <meta property="og:site_name" content="Site">
            <meta property="og:empty" content="">
            <meta property="article:author" content="Ann">
            <meta property="profile:username" content="ann">
            </head><body><p>Body text</p></body></html>
            """);

        Assert.Equal("The title", og["og:title"]);
        Assert.Equal("The description", og["og:description"]);
        Assert.Equal("/img.png", og["og:image"]);
        Assert.Equal("article", og["og:type"]);
        Assert.Equal("Site", og["og:site_name"]);
        Assert.Equal("Ann", og["article:author"]);
        Assert.Equal("ann", og["profile:username"]);
        Assert.False(og.ContainsKey("og:empty"));
    }

    [Fact]
    public void Twitter_cards_fill_in_only_what_OpenGraph_leaves_out()
    {
        var og = OpenGraphParser.Parse("""
            <head><meta property="og:title" content="OG">
            <meta name="twitter:title" content="Twitter"><meta name="twitter:description" content="From twitter">
            <meta name="twitter:site" content="@site"><meta name="twitter:card" content="summary"></head>
            """);

        Assert.Equal("OG", og["og:title"]);
        Assert.Equal("From twitter", og["og:description"]);
        Assert.Equal("@site", og["og:site_name"]);
        Assert.False(og.ContainsKey("og:card"));
    }

    [Fact]
    public void Without_OpenGraph_the_title_description_and_image_come_from_the_page()
    {
        var og = OpenGraphParser.Parse("""
            <html><head><title> Page title </title><meta name="Description" content="Meta description"></head>
            <body><h1>Heading</h1><img src="small.png" width="5" height="5">
            <img src="big.png" width="300" height="200"><img src="medium.png" width="100" height="100"></body></html>
            """);

        Assert.Equal("Page title", og["og:title"]);
        Assert.Equal("Meta description", og["og:description"]);
        Assert.Equal("big.png", og["og:image"]);
    }

    [Fact]
    public void Image_fallbacks_go_itemprop_then_any_img_then_icon()
    {
        Assert.Equal("item.png", OpenGraphParser.Parse(
            """<meta itemprop="IMAGE" content="item.png"><img src="a.png" width="50" height="50">""")["og:image"]);
        Assert.Equal("first.png", OpenGraphParser.Parse(
            """<p>x</p><img src="first.png"><img src="second.png" width="5" height="5">""")["og:image"]);
        Assert.Equal("/favicon.ico", OpenGraphParser.Parse(
            """<link rel="shortcut icon" href="/favicon.ico"><p>text</p>""")["og:image"]);
    }

    [Fact]
    public void Without_a_title_tag_the_first_heading_is_the_title()
    {
        Assert.Equal("Heading two", OpenGraphParser.Parse("<body><h2>Heading two</h2><h3>Three</h3></body>")["og:title"]);
    }

    [Fact]
    public void Without_a_description_the_body_text_is_summarised_outside_navigation_and_scripts()
    {
        var og = OpenGraphParser.Parse("""
            <body><nav>Menu</nav><header>Header</header><script>var x = 1;</script><style>p {}</style>
            <div role="menu">Role menu</div><p>First   paragraph.</p><p>Second
            paragraph.</p><footer>Footer</footer></body>
            """);

        Assert.Equal("First paragraph.\n\nSecond paragraph.", og["og:description"]);
    }

    [Fact]
    public void A_long_description_is_cut_at_a_word_with_an_ellipsis()
    {
        var words = string.Join(' ', Enumerable.Repeat("word", 200));

        var description = OpenGraphParser.Parse($"<body><p>{words}</p></body>")["og:description"];

        Assert.True(description.Length <= TextSummary.MaxLength + 1, description.Length.ToString());
        Assert.EndsWith("word…", description, StringComparison.Ordinal);
    }

    [Fact]
    public void More_than_fifty_tags_of_a_prefix_are_ignored()
    {
        var tags = string.Concat(Enumerable.Range(0, 51).Select(i => $"""<meta property="og:k{i}" content="v">"""));

        var og = OpenGraphParser.Parse($"<head>{tags}<title>T</title></head>");

        Assert.False(og.ContainsKey("og:k0"));
        Assert.Equal("T", og["og:title"]);
    }

    [Fact]
    public void An_empty_page_has_no_OpenGraph_data()
    {
        Assert.Empty(OpenGraphParser.Parse("  \n "));
    }

    [Fact]
    public void A_deeply_nested_page_is_parsed_without_exhausting_the_stack()
    {
        var depth = 200_000;
        var html = new StringBuilder("<title>Deep</title><body>");
        html.Insert(html.Length, "<div>", depth).Append("text").Insert(html.Length, "</div>", depth);

        var og = OpenGraphParser.Parse(html.ToString());

        Assert.Equal("Deep", og["og:title"]);
    }

    [Fact]
    public void The_depth_guard_cuts_only_where_counted_nesting_passes_the_limit()
    {
        var shallow = "<div><p>one<p>two<br><img src=x></div><script>if (a < b) { '<div><div>' }</script>";
        var deep = string.Concat(Enumerable.Repeat("<span>", HtmlDepthGuard.MaxDepth + 1)) + "tail";

        Assert.Equal(shallow, HtmlDepthGuard.Limit(shallow));
        Assert.Equal(string.Concat(Enumerable.Repeat("<span>", HtmlDepthGuard.MaxDepth)), HtmlDepthGuard.Limit(deep));
    }
}
