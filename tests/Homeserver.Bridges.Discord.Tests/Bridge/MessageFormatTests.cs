namespace Homeserver.Bridges.Discord.Tests.Bridge;

public sealed class MessageFormatTests
{
    [Fact]
    public void A_reply_fallback_is_not_sent_to_discord()
    {
        Assert.Equal("my answer", MessageFormat.ToDiscord("> <@bob:hs> the question\n> more\n\nmy answer", "m.text"));
    }

    [Fact]
    public void Content_longer_than_discord_takes_is_cut_to_2000_characters()
    {
        var text = MessageFormat.ToDiscord(new string('a', 2500), "m.text");

        Assert.Equal(MessageFormat.MaxDiscordContent, text.Length);
        Assert.EndsWith("…", text, StringComparison.Ordinal);
    }

    [Fact]
    public void An_emote_is_sent_in_italics()
    {
        Assert.Equal("_waves_", MessageFormat.ToDiscord("waves", "m.emote"));
    }

    [Fact]
    public void Discord_content_becomes_the_plain_body()
    {
        Assert.Equal(("**hi**", null), MessageFormat.ToMatrix("**hi**"));
    }
}
