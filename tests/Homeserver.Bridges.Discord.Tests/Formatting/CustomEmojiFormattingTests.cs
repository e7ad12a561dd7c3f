using Homeserver.Bridges.Discord.Client;
using Homeserver.Bridges.Discord.Formatting;

namespace Homeserver.Bridges.Discord.Tests.Formatting;

/// <summary>Custom emoji in message text: Discord's <c>&lt;:name:id&gt;</c> as Matrix emoticon images and back.</summary>
public sealed class CustomEmojiFormattingTests
{
    private const string Mxc = "mxc://example.org/blobcat";

    [Fact]
    public void A_known_custom_emoji_becomes_an_emoticon_image_and_its_shortcode_in_the_body()
    {
        var (body, html) = MessageFormat.ToMatrix("hi <:blobcat:123> and <a:party:456>", _ => null,
            new Dictionary<string, string> { ["123"] = Mxc });

        Assert.Equal("hi :blobcat: and :party:", body);
        Assert.Equal($"hi <img data-mx-emoticon src=\"{Mxc}\" alt=\":blobcat:\" title=\":blobcat:\" height=\"32\"> and :party:", html);
    }

    [Fact]
    public void Without_images_custom_emoji_stay_their_shortcode()
    {
        Assert.Equal(new MatrixText("hi :blobcat:", null), DiscordMarkdown.Convert("hi <:blobcat:123>", DiscordMentionResolver.None));
    }

    [Fact]
    public void An_emoticon_image_of_a_discord_emoji_goes_back_as_the_emoji_and_others_as_their_alt_text()
    {
        var known = new Dictionary<string, DiscordCustomEmoji>
        {
            [Mxc] = new(Snowflake.Parse("123"), "blobcat", false),
            ["mxc://example.org/party"] = new(Snowflake.Parse("456"), "party", true),
        };

        var text = MessageFormat.ToDiscord("x", "m.text", MatrixText.HtmlFormat,
            $"<b>hi</b> <img data-mx-emoticon src=\"{Mxc}\" alt=\":blobcat:\"> <img data-mx-emoticon src=\"mxc://example.org/party\" alt=\":party:\"> " +
            "<img data-mx-emoticon src=\"mxc://example.org/other\" alt=\":other:\"> <img src=\"" + Mxc + "\" alt=\"plain\">",
            _ => null, known);

        Assert.Equal("**hi** <:blobcat:123> <a:party:456> :other: plain", text);
    }
}
