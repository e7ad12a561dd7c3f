using System.Threading.Channels;
using Homeserver.Bridges.Discord.Client.Gateway;
using Homeserver.Bridges.Discord.Client.Rest;

namespace Homeserver.Bridges.Discord;

/// <summary>
/// Runs Discord's gateway for as long as the bridge serves, handing each dispatch to <see cref="DiscordToMatrix"/> in
/// order. A dispatch that fails is logged and the next goes on; Discord refusing the bot (bad token, intents not
/// enabled) stops the bridge with exit code 1.
/// </summary>
public sealed partial class BridgeGateway(
    DiscordGatewayOptions options,
    DiscordRestClient rest,
    DiscordToMatrix bridge,
    ChannelHistory history,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILoggerFactory loggers,
    ILogger<BridgeGateway> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var dispatches = Channel.CreateUnbounded<GatewayDispatch>(new UnboundedChannelOptions { SingleReader = true });
        var gateway = new DiscordGatewayClient(options, DiscordGatewayClient.UrlFrom(rest), dispatches.Writer, time,
            loggers.CreateLogger<DiscordGatewayClient>());
        var running = RunGatewayAsync(gateway, dispatches.Writer, stoppingToken);
        try
        {
            await foreach (var dispatch in dispatches.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    using (await history.EnterAsync(stoppingToken))
                    {
                        await bridge.HandleAsync(dispatch, stoppingToken);
                        if (dispatch is ReadyDispatch)
                        {
                            // A new session: whatever was said while there was none is read back now.
                            await history.CatchUpAsync(stoppingToken);
                        }
                    }
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    LogDispatchFailed(logger, e, dispatch.Type, dispatch.Sequence);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await running;
    }

    private async Task RunGatewayAsync(DiscordGatewayClient gateway, ChannelWriter<GatewayDispatch> writer, CancellationToken stoppingToken)
    {
        try
        {
            await gateway.RunAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is DiscordGatewayException or DiscordApiException)
        {
            LogGatewayFatal(logger, e);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
        finally
        {
            writer.TryComplete();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Bridging Discord dispatch {Type} (sequence {Sequence}) failed")]
    private static partial void LogDispatchFailed(ILogger logger, Exception exception, string type, int sequence);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Discord's gateway refused the bot; the bridge stops")]
    private static partial void LogGatewayFatal(ILogger logger, Exception exception);
}
