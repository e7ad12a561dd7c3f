using Homeserver.Bridges.Discord.Tests.StandIn;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace Homeserver.Bridges.Discord.Tests;

/// <summary><c>homeserver-discord check</c> against the stand-in.</summary>
public sealed class DiscordCheckTests : IAsyncLifetime
{
    private DiscordStandIn _discord = null!;

    public async Task InitializeAsync() => _discord = await DiscordStandIn.StartAsync();

    public async Task DisposeAsync() => await _discord.DisposeAsync();

    [Fact]
    public async Task Check_prints_the_bot_and_the_channels_to_link()
    {
        var (code, output) = await CheckAsync(_discord.BotToken);

        Assert.Equal(0, code);
        Assert.Equal(
            $"""
            Logged in as stand-in-bot ({_discord.BotId})
            Gateway ready; the bot is in 1 guild(s)
            Guild Stand-in Guild ({_discord.GuildId})
              #general: !discord link {_discord.ChannelId("general")}
              #random: !discord link {_discord.ChannelId("random")}

            """, output);
    }

    [Fact]
    public async Task Check_with_a_wrong_token_says_Discord_refused_it()
    {
        var (code, output) = await CheckAsync("wrong");

        Assert.Equal(1, code);
        Assert.Contains("Discord refused the bot token (401)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_without_the_privileged_intents_says_to_enable_them()
    {
        _discord.Gateway.AllowedPrivilegedIntents = 0;

        var (code, output) = await CheckAsync(_discord.BotToken);

        Assert.Equal(1, code);
        Assert.Contains("4014", output, StringComparison.Ordinal);
        Assert.Contains("enable the privileged intents", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_require_a_token_and_default_to_Discords_API()
    {
        var none = new ConfigurationBuilder().Build();
        var token = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DiscordBridge:Discord:BotToken"] = "abc",
        }).Build();

        Assert.Contains("BotToken is required", Assert.Throws<InvalidOperationException>(() => DiscordSettings.Read(none)).Message,
            StringComparison.Ordinal);
        Assert.Equal(new Uri("https://discord.com/api/v10/"), DiscordSettings.Read(token).ApiBaseUrl);
    }

    private async Task<(int Code, string Output)> CheckAsync(string token)
    {
        using var http = new HttpClient();
        using var output = new StringWriter { NewLine = "\n" };
        var code = await DiscordCheck.RunAsync(new DiscordSettings(token, _discord.ApiBaseUrl), http, output, TimeProvider.System,
            NullLoggerFactory.Instance, TimeSpan.FromSeconds(30), CancellationToken.None);
        return (code, output.ToString());
    }
}
