using Homeserver.Bridges.Discord.Client;
using Homeserver.Bridges.Discord.Client.Rest;
using Homeserver.Bridges.Discord.Tests.StandIn;
using Microsoft.Extensions.Logging.Abstractions;

namespace Homeserver.Bridges.Discord.Tests.Support;

/// <summary>Our clients pointed at a stand-in.</summary>
internal static class Clients
{
    public static DiscordRestClient Rest(DiscordStandIn discord, TimeProvider? time = null, string? token = null) =>
        new(new HttpClient(), new DiscordRestOptions { BotToken = token ?? discord.BotToken, ApiBaseUrl = discord.ApiBaseUrl },
            time ?? TimeProvider.System, NullLogger<DiscordRestClient>.Instance);

    public static Snowflake Id(string id) => Snowflake.Parse(id);
}
