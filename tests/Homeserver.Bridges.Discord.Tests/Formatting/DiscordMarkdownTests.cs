using Homeserver.Bridges.Discord.Formatting;

namespace Homeserver.Bridges.Discord.Tests.Formatting;

public sealed class DiscordMarkdownTests
{
    private static readonly DiscordMentionResolver Resolver = new(
        id => id == "111" ? new MentionedUser("@_discord_111:example.org", "Alice <3") : null,
        id => id == "222" ? "Moderators" : null,
        id => id switch
        {
            "333" => new MentionedChannel("general", "!general:example.org"),
            "444" => new MentionedChannel("offtopic", null),
            _ => null,
        });

    private static MatrixText Convert(string content) => DiscordMarkdown.Convert(content, Resolver);

    [Fact]
    public void Plain_text_has_no_formatted_body()
    {
        Assert.Equal(new MatrixText("hello there\nsecond line", null), Convert("hello there\nsecond line"));
    }

    [Fact]
    public void Html_characters_in_plain_text_need_no_formatted_body_and_are_escaped_when_there_is_one()
    {
        Assert.Null(Convert("a < b & c > d").Html);
        Assert.Equal("<strong>a &lt; b</strong> &amp; &quot;c&quot;", Convert("**a < b** & \"c\"").Html);
    }

    [Theory]
    [InlineData("**bold**", "<strong>bold</strong>")]
    [InlineData("*italic*", "<em>italic</em>")]
    [InlineData("_italic_", "<em>italic</em>")]
    [InlineData("__underline__", "<u>underline</u>")]
    [InlineData("~~strike~~", "<del>strike</del>")]
    [InlineData("||spoiler||", "<span data-mx-spoiler>spoiler</span>")]
    [InlineData("***both***", "<strong><em>both</em></strong>")]
    [InlineData("__*under italic*__", "<u><em>under italic</em></u>")]
    [InlineData("**bold *and italic* inside**", "<strong>bold <em>and italic</em> inside</strong>")]
    [InlineData("*a **b** c*", "<em>a <strong>b</strong> c</em>")]
    [InlineData("||**secret** text||", "<span data-mx-spoiler><strong>secret</strong> text</span>")]
    public void Emphasis_becomes_the_matching_html(string content, string html)
    {
        Assert.Equal(html, Convert(content).Html);
    }

    [Theory]
    [InlineData("snake_case_name")]
    [InlineData("2 * 3 * 4")]
    [InlineData("a lone ** pair")]
    [InlineData("unclosed ||spoiler")]
    public void Delimiters_that_do_not_pair_stay_text(string content)
    {
        Assert.Null(Convert(content).Html);
    }

    [Fact]
    public void Backslash_escapes_keep_delimiters_literal()
    {
        Assert.Equal("*not italic*", Convert(@"\*not italic\*").Html);
    }

    [Fact]
    public void Inline_code_is_escaped_and_not_formatted_inside()
    {
        Assert.Equal("use <code>**x** &lt;y&gt;</code> here", Convert("use `**x** <y>` here").Html);
        Assert.Equal("<code>a ` b</code>", Convert("`` a ` b ``").Html);
    }

    [Fact]
    public void Code_block_keeps_its_language_and_text_verbatim()
    {
        var text = Convert("look:\n```cs\nvar x = a < b && **c**;\n```\nafter");

        Assert.Equal("look:<pre><code class=\"language-cs\">var x = a &lt; b &amp;&amp; **c**;\n</code></pre>after", text.Html);
        Assert.Equal("look:\n```cs\nvar x = a < b && **c**;\n```\nafter", text.Body);
    }

    [Fact]
    public void Code_block_without_a_language_has_no_class()
    {
        Assert.Equal("<pre><code>plain text\nmore\n</code></pre>", Convert("```\nplain text\nmore\n```").Html);
        Assert.Equal("<pre><code>one line\n</code></pre>", Convert("```one line```").Html);
    }

    [Fact]
    public void Quoted_lines_become_one_block_quote()
    {
        Assert.Equal("<blockquote>first<br><strong>second</strong></blockquote>reply", Convert("> first\n> **second**\nreply").Html);
    }

    [Fact]
    public void Triple_quote_quotes_the_rest_of_the_message()
    {
        Assert.Equal("before<blockquote>all<br>of this</blockquote>", Convert("before\n>>> all\nof this").Html);
    }

    [Fact]
    public void Bare_and_masked_links_become_anchors_without_trailing_punctuation()
    {
        Assert.Equal("see <a href=\"https://example.org/a?b=1&amp;c=2\">https://example.org/a?b=1&amp;c=2</a>.",
            Convert("see https://example.org/a?b=1&c=2.").Html);
        Assert.Equal("<a href=\"https://example.org/\"><strong>docs</strong></a>", Convert("[**docs**](https://example.org/)").Html);
        Assert.Equal("<a href=\"https://example.org/x\">https://example.org/x</a>", Convert("<https://example.org/x>").Html);
    }

    [Fact]
    public void Links_with_other_schemes_stay_text()
    {
        Assert.Null(Convert("[click](javascript:alert(1))").Html);
    }

    [Fact]
    public void Underscores_inside_links_are_not_italics()
    {
        Assert.Equal("<a href=\"https://example.org/a_b_c\">https://example.org/a_b_c</a>", Convert("https://example.org/a_b_c").Html);
    }

    [Fact]
    public void User_mention_becomes_a_pill_and_the_name_in_the_body()
    {
        var text = Convert("hi <@111> and <@!111>");

        Assert.Equal("hi <a href=\"https://matrix.to/#/@_discord_111:example.org\">Alice &lt;3</a> and " +
                     "<a href=\"https://matrix.to/#/@_discord_111:example.org\">Alice &lt;3</a>", text.Html);
        Assert.Equal("hi @Alice <3 and @Alice <3", text.Body);
    }

    [Fact]
    public void Unknown_user_mention_keeps_its_ID_as_text()
    {
        Assert.Equal(new MatrixText("hi @999", null), Convert("hi <@999>"));
    }

    [Fact]
    public void Role_mention_shows_the_role_name()
    {
        var text = Convert("<@&222> look, <@&5>");

        Assert.Equal("<strong>@Moderators</strong> look, <strong>@deleted-role</strong>", text.Html);
        Assert.Equal("@Moderators look, @deleted-role", text.Body);
    }

    [Fact]
    public void Channel_mention_links_a_bridged_room_and_names_the_others()
    {
        var text = Convert("<#333> <#444> <#5>");

        Assert.Equal("<a href=\"https://matrix.to/#/!general:example.org\">#general</a> #offtopic #deleted-channel", text.Html);
        Assert.Equal("#general #offtopic #deleted-channel", text.Body);
    }

    [Fact]
    public void Custom_emoji_become_their_name_as_text()
    {
        Assert.Equal(new MatrixText("nice :blobcat: :party:", null), Convert("nice <:blobcat:123456> <a:party:789>"));
    }

    [Fact]
    public void Formatting_spans_mentions_and_emoji_together()
    {
        Assert.Equal("<strong>hey <a href=\"https://matrix.to/#/@_discord_111:example.org\">Alice &lt;3</a></strong> :wave:",
            Convert("**hey <@111>** <:wave:1>").Html);
    }

    [Fact]
    public void Empty_and_null_content_give_an_empty_body()
    {
        Assert.Equal(new MatrixText("", null), DiscordMarkdown.Convert(null, DiscordMentionResolver.None));
        Assert.Equal(new MatrixText("", null), Convert(""));
    }
}
