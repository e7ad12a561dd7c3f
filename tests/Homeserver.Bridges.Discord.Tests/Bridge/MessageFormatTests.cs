using Homeserver.Bridges.Discord.Formatting;

namespace Homeserver.Bridges.Discord.Tests.Bridge;

public sealed class MessageFormatTests
{
    private static string? NoDiscordUser(string matrixUserId) => null;

    private static string ToDiscord(string body, string messageType = "m.text", string? html = null) =>
        MessageFormat.ToDiscord(body, messageType, html is null ? null : MatrixText.HtmlFormat, html, NoDiscordUser);

    [Fact]
    public void A_reply_fallback_is_not_sent_to_discord()
    {
        Assert.Equal("my answer", ToDiscord("> <@bob:hs> the question\n> more\n\nmy answer"));
        Assert.Equal("my answer", ToDiscord("> <@bob:hs> the question\n\nmy answer",
            html: "<mx-reply><blockquote>the question</blockquote></mx-reply>my answer"));
    }

    [Fact]
    public void Content_longer_than_discord_takes_is_cut_to_2000_characters()
    {
        var text = ToDiscord(new string('a', 2500));

        Assert.Equal(MessageFormat.MaxDiscordContent, text.Length);
        Assert.EndsWith("…", text, StringComparison.Ordinal);
    }

    [Fact]
    public void An_emote_is_sent_in_italics()
    {
        Assert.Equal("_waves_", ToDiscord("waves", "m.emote"));
    }

    [Fact]
    public void Matrix_html_becomes_discord_markdown_and_a_ghost_pill_a_discord_mention()
    {
        var text = MessageFormat.ToDiscord("hi Bob", "m.text", MatrixText.HtmlFormat,
            "<strong>hi</strong> <a href=\"https://matrix.to/#/@_discord_42:hs\">Bob</a>",
            id => id == "@_discord_42:hs" ? "42" : null);

        Assert.Equal("**hi** <@42>", text);
    }

    [Fact]
    public void Plain_matrix_text_is_escaped_so_it_never_turns_into_discord_formatting()
    {
        Assert.Equal("2 \\* 3 \\* 4", ToDiscord("2 * 3 * 4"));
    }

    [Fact]
    public void Discord_content_becomes_a_plain_body_and_html_with_mentions_as_pills()
    {
        var (body, html) = MessageFormat.ToMatrix("**hi** <@42>",
            id => id == "42" ? new MentionedUser("@_discord_42:hs", "Bob") : null);

        Assert.Equal("**hi** @Bob", body);
        Assert.NotNull(html);
        Assert.Contains("<strong>hi</strong>", html, StringComparison.Ordinal);
        Assert.Contains("https://matrix.to/#/@_discord_42:hs", html, StringComparison.Ordinal);
    }
}
