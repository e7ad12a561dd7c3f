using Homeserver.Bridges.Discord.Formatting;

namespace Homeserver.Bridges.Discord.Tests.Formatting;

public sealed class MatrixHtmlTests
{
    private static string Html(string html) =>
        MatrixHtml.FromHtml(html, userId => userId == "@_discord_111:example.org" ? "111" : null);

    [Theory]
    [InlineData("<b>bold</b> <strong>strong</strong>", "**bold** **strong**")]
    [InlineData("<i>it</i> <em>em</em>", "*it* *em*")]
    [InlineData("<u>under</u>", "__under__")]
    [InlineData("<del>gone</del> <s>struck</s>", "~~gone~~ ~~struck~~")]
    [InlineData("<span data-mx-spoiler>secret</span>", "||secret||")]
    [InlineData("<span data-mx-spoiler=\"reason\"><b>x</b></span>", "||**x**||")]
    [InlineData("<strong><em>both</em></strong>", "***both***")]
    [InlineData("<b> spaced </b>word", " **spaced** word")]
    public void Formatting_tags_become_discord_markdown(string html, string markdown)
    {
        Assert.Equal(markdown.Trim(), Html(html));
    }

    [Fact]
    public void Inline_code_keeps_its_text_unescaped()
    {
        Assert.Equal("run `a*b_c` now", Html("run <code>a*b_c</code> now"));
        Assert.Equal("`` a`b ``", Html("<code>a`b</code>"));
    }

    [Fact]
    public void Code_block_keeps_its_language_and_text()
    {
        Assert.Equal("```python\nprint(\"**hi**\")\n```", Html("<pre><code class=\"language-python\">print(\"**hi**\")\n</code></pre>"));
        Assert.Equal("text\n```\nx < y\n```\nafter", Html("text<pre><code>x &lt; y</code></pre>after"));
    }

    [Fact]
    public void Block_quote_prefixes_each_line()
    {
        Assert.Equal("> one\n> **two**\nafter", Html("<blockquote>one<br><b>two</b></blockquote>after"));
    }

    [Fact]
    public void Paragraphs_are_separated_by_a_blank_line_and_source_newlines_collapse()
    {
        Assert.Equal("first line\n\nsecond", Html("<p>first\nline</p>\n<p>second</p>"));
    }

    [Fact]
    public void Lists_become_dashes_and_numbers()
    {
        Assert.Equal("- a\n- **b**", Html("<ul><li>a</li><li><b>b</b></li></ul>"));
        Assert.Equal("3. x\n4. y", Html("<ol start=\"3\"><li>x</li><li>y</li></ol>"));
    }

    [Fact]
    public void Headings_become_discord_headings()
    {
        Assert.Equal("# Title\n## Sub\n**Small**", Html("<h1>Title</h1><h2>Sub</h2><h5>Small</h5>"));
    }

    [Fact]
    public void Links_become_masked_links_or_bare_urls()
    {
        Assert.Equal("[the docs](https://example.org/a_(b%29)", Html("<a href=\"https://example.org/a_(b)\">the docs</a>"));
        Assert.Equal("https://example.org/x_y", Html("<a href=\"https://example.org/x_y\">https://example.org/x_y</a>"));
    }

    [Fact]
    public void Links_with_other_schemes_keep_only_their_text()
    {
        Assert.Equal("click", Html("<a href=\"javascript:alert(1)\">click</a>"));
    }

    [Fact]
    public void Pill_of_a_bridged_discord_user_becomes_a_discord_mention()
    {
        Assert.Equal("hi <@111>!", Html("hi <a href=\"https://matrix.to/#/@_discord_111:example.org\">Alice</a>!"));
        Assert.Equal("hi <@111>", Html("hi <a href=\"https://matrix.to/#/%40_discord_111%3Aexample.org\">Alice</a>"));
    }

    [Fact]
    public void Pill_of_a_matrix_user_becomes_their_name()
    {
        Assert.Equal("hi Bob\\_B", Html("hi <a href=\"https://matrix.to/#/@bob:example.org\">Bob_B</a>"));
    }

    [Fact]
    public void Reply_fallback_scripts_and_styles_are_dropped()
    {
        Assert.Equal("answer",
            Html("<mx-reply><blockquote>In reply to <a href=\"https://matrix.to/#/@x:y\">x</a></blockquote></mx-reply>answer<script>alert(1)</script><style>b{}</style>"));
    }

    [Fact]
    public void Tags_the_spec_does_not_allow_give_only_their_text()
    {
        Assert.Equal("**in** out", Html("<marquee><b>in</b></marquee> <blink>out</blink>"));
        Assert.Equal("x", Html("<iframe src=\"https://evil.example\">ignored</iframe>x"));
    }

    [Fact]
    public void Text_that_looks_like_markdown_is_escaped()
    {
        Assert.Equal(@"2 \* 3 \_x\_ \~\~no\~\~ \`c\` \|\|s\|\| \<@123\>", Html("2 * 3 _x_ ~~no~~ `c` ||s|| &lt;@123&gt;"));
        Assert.Equal("\\# not a heading\n\\- not a list\n1\\. not numbered", Html("# not a heading<br>- not a list<br>1. not numbered"));
    }

    [Fact]
    public void Mass_mentions_never_ping()
    {
        Assert.Equal("@\u200Beveryone and @\u200Bhere", Html("@everyone and @here"));
        Assert.Equal("@\u200Beveryone", MatrixHtml.Convert("@everyone", null, null, _ => null));
    }

    [Fact]
    public void Emoticon_images_become_their_alt_text()
    {
        Assert.Equal("nice :blobcat:", Html("nice <img data-mx-emoticon src=\"mxc://x/y\" alt=\":blobcat:\">"));
    }

    [Fact]
    public void Plain_body_is_escaped_when_there_is_no_html()
    {
        Assert.Equal(@"\*\*not bold\*\*", MatrixHtml.Convert("**not bold**", null, null, _ => null));
        Assert.Equal("**bold**", MatrixHtml.Convert("ignored", MatrixText.HtmlFormat, "<b>bold</b>", _ => null));
    }

    [Fact]
    public void Round_trip_of_discord_formatting_comes_back_the_same()
    {
        var resolver = new DiscordMentionResolver(id => new MentionedUser($"@_discord_{id}:example.org", "someone"), _ => null, _ => null);
        const string content = "**bold** *it* __u__ ~~s~~ ||sp|| `code` <@111>";

        var matrix = DiscordMarkdown.Convert(content, resolver);

        Assert.Equal(content, Html(matrix.Html!));
    }
}
