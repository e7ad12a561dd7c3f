using Homeserver.Bridges.Discord.Tests.StandIn;

namespace Homeserver.Bridges.Discord.Tests.Bridge;

/// <summary>Matrix names as webhook usernames Discord takes (the stand-in refuses what Discord refuses).</summary>
public sealed class WebhookNamesTests
{
    private const string Joiner = "\u200D";

    [Theory]
    [InlineData("Discord fan", "D" + Joiner + "iscord fan")]
    [InlineData("clyde", "c" + Joiner + "lyde")]
    [InlineData("my DISCORD and Clyde and discord", "my D" + Joiner + "ISCORD and C" + Joiner + "lyde and d" + Joiner + "iscord")]
    [InlineData("everyone", "e" + Joiner + "veryone")]
    [InlineData(" Here ", "H" + Joiner + "ere")]
    public void Names_discord_refuses_are_broken_up_with_a_zero_width_joiner(string name, string expected)
    {
        var username = WebhookNames.For(name, "@alice:example.org");

        Assert.Equal(expected, username);
        Assert.Null(DiscordStandIn.UsernameError(username));
        Assert.NotNull(DiscordStandIn.UsernameError(name));
    }

    [Fact]
    public void An_acceptable_name_stays_as_it_is()
    {
        Assert.Equal("Alice on Matrix", WebhookNames.For("Alice on Matrix", "@alice:example.org"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    [InlineData("@bob:example.org")]
    public void An_empty_name_or_the_bare_user_id_becomes_the_localpart(string? name)
    {
        Assert.Equal("bob", WebhookNames.For(name, "@bob:example.org"));
    }

    [Fact]
    public void A_localpart_that_discord_refuses_is_broken_up_too()
    {
        Assert.Equal("d" + Joiner + "iscordbot", WebhookNames.For(null, "@discordbot:example.org"));
    }

    [Fact]
    public void A_long_name_is_cut_to_80_characters_between_whole_characters()
    {
        var name = new string('a', 79) + "😀😀";

        var username = WebhookNames.For(name, "@alice:example.org");

        Assert.Equal(new string('a', 79), username);
        Assert.Null(DiscordStandIn.UsernameError(username));
        Assert.Equal(80, WebhookNames.For(new string('b', 200), "@alice:example.org").Length);
    }
}
