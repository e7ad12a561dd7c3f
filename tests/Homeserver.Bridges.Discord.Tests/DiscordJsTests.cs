using Homeserver.Bridges.Discord.Tests.StandIn;
using Homeserver.Bridges.Discord.Tests.Support;

namespace Homeserver.Bridges.Discord.Tests;

/// <summary>discord.js 14, an independent Discord client, against the stand-in: if it logs in, sees a message and
/// replies, the stand-in speaks REST v10 and the gateway closely enough to test our own clients against.</summary>
public sealed class DiscordJsTests
{
    [Fact]
    public async Task Discord_js_logs_in_receives_MESSAGE_CREATE_and_replies()
    {
        await using var discord = await DiscordStandIn.StartAsync();
        await using var bot = NodeScript.Start("reply-bot.mjs", new Uri(discord.BaseUrl, "api").ToString(), discord.BotToken);
        var ready = await bot.WaitForLineAsync("ready ");
        Assert.Equal($"ready {discord.BotId} guilds=1 channels=2", ready);

        var general = discord.ChannelId("general");
        var ping = await discord.PostAsUserAsync(general, "alice", "!ping hello there");
        var pingId = ping["id"]!.GetValue<string>();
        Assert.StartsWith($"received {pingId} from alice in #general: !ping hello there", await bot.WaitForLineAsync("received "), StringComparison.Ordinal);
        var replied = await bot.WaitForLineAsync("replied ");
        Assert.EndsWith($" to {pingId}", replied, StringComparison.Ordinal);

        var answer = discord.MessagesIn(general)[^1];
        Assert.Equal("pong: hello there", answer["content"]!.GetValue<string>());
        Assert.Equal(discord.BotId, answer["author"]!["id"]!.GetValue<string>());
        Assert.Equal(pingId, answer["message_reference"]!["message_id"]!.GetValue<string>());
        Assert.Equal($"replied {answer["id"]!.GetValue<string>()} to {pingId}", replied);
        Assert.Equal(1, discord.Gateway.Identifies);
        Assert.Contains(discord.Requests, r => r.Method == "GET" && r.Path == "/api/v10/gateway/bot" && r.Authorization == "Bot " + discord.BotToken);
    }

    [Fact]
    public async Task Discord_js_resumes_after_op_7_and_still_replies()
    {
        await using var discord = await DiscordStandIn.StartAsync();
        await using var bot = NodeScript.Start("reply-bot.mjs", new Uri(discord.BaseUrl, "api").ToString(), discord.BotToken);
        await bot.WaitForLineAsync("ready ");

        await discord.Gateway.SendReconnectAsync();
        var general = discord.ChannelId("general");
        await discord.PostAsUserAsync(general, "alice", "!ping after the reconnect");
        await bot.WaitForLineAsync("replied ");
        await GatewayRun.ActivityAsync(discord, "resume");

        Assert.Equal("pong: after the reconnect", discord.MessagesIn(general)[^1]["content"]!.GetValue<string>());
        Assert.Equal((1, 1), (discord.Gateway.Identifies, discord.Gateway.Resumes));
        Assert.StartsWith("/gateway-resume?v=10&encoding=json", discord.Gateway.ConnectedPaths[^1], StringComparison.Ordinal);
    }
}
