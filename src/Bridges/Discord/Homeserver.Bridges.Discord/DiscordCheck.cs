using System.Threading.Channels;
using Homeserver.Bridges.Discord.Client;
using Homeserver.Bridges.Discord.Client.Gateway;
using Homeserver.Bridges.Discord.Client.Models;
using Homeserver.Bridges.Discord.Client.Rest;

namespace Homeserver.Bridges.Discord;

/// <summary>
/// <c>homeserver-discord check</c>: logs in as the bot (REST and gateway, with the bridge's intents) and prints the
/// guilds and text channels it sees, with the channel IDs to link. Says plainly when the token is wrong or the
/// privileged intents are not enabled.
/// </summary>
public static class DiscordCheck
{
    public static async Task<int> RunAsync(DiscordSettings settings, HttpClient http, TextWriter output, TimeProvider time,
        ILoggerFactory loggers, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(output);
        var rest = new DiscordRestClient(http, new DiscordRestOptions { BotToken = settings.BotToken, ApiBaseUrl = settings.ApiBaseUrl },
            time, loggers.CreateLogger<DiscordRestClient>());
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(timeout);
        var dispatches = Channel.CreateUnbounded<GatewayDispatch>();
        var gateway = new DiscordGatewayClient(new DiscordGatewayOptions { BotToken = settings.BotToken },
            DiscordGatewayClient.UrlFrom(rest), dispatches.Writer, time, loggers.CreateLogger<DiscordGatewayClient>());
        var running = gateway.RunAsync(stop.Token);
        try
        {
            var bot = await rest.GetCurrentUserAsync(stop.Token);
            await output.WriteLineAsync($"Logged in as {bot.Username} ({bot.Id})");
            HashSet<Snowflake>? waiting = null;
            while (waiting is not { Count: 0 })
            {
                switch (await NextAsync(dispatches.Reader, running, stop.Token))
                {
                    case ReadyDispatch ready:
                        waiting = [.. ready.GuildIds];
                        await output.WriteLineAsync($"Gateway ready; the bot is in {ready.GuildIds.Count} guild(s)");
                        break;
                    case GuildCreateDispatch { Guild: var guild } when waiting?.Remove(guild.Id) == true:
                        await output.WriteLineAsync($"Guild {guild.Name} ({guild.Id})");
                        foreach (var channel in (guild.Channels ?? []).Where(c => c.Type is DiscordChannelType.GuildText).OrderBy(c => c.Position))
                        {
                            await output.WriteLineAsync($"  #{channel.Name}: !discord link {channel.Id}");
                        }

                        break;
                }
            }

            return 0;
        }
        catch (DiscordGatewayException exception)
        {
            await output.WriteLineAsync(exception.Message);
            return 1;
        }
        catch (DiscordApiException exception) when (exception.Status == System.Net.HttpStatusCode.Unauthorized)
        {
            await output.WriteLineAsync("Discord refused the bot token (401): check DiscordBridge__Discord__BotToken");
            return 1;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await output.WriteLineAsync($"Discord's gateway did not get ready within {timeout.TotalSeconds:0} s");
            return 1;
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await running;
            }
            catch (Exception exception) when (exception is OperationCanceledException or DiscordGatewayException or DiscordApiException)
            {
            }
        }
    }

    /// <summary>The next dispatch, or the gateway's failure if it stopped first.</summary>
    private static async Task<GatewayDispatch> NextAsync(ChannelReader<GatewayDispatch> reader, Task running,
        CancellationToken cancellationToken)
    {
        var next = reader.ReadAsync(cancellationToken).AsTask();
        if (await Task.WhenAny(next, running) == running)
        {
            await running;
            throw new OperationCanceledException(cancellationToken);
        }

        return await next;
    }
}
