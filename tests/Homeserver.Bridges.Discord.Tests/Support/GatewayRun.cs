using System.Threading.Channels;
using Homeserver.Bridges.Discord.Client.Gateway;
using Homeserver.Bridges.Discord.Tests.StandIn;
using Homeserver.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Homeserver.Bridges.Discord.Tests.Support;

/// <summary>Our gateway client running against a stand-in on a <see cref="ManualClock"/> (heartbeats and backoff
/// move only when the test says), with the dispatches it delivers.</summary>
internal sealed class GatewayRun : IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<GatewayDispatch> _dispatches = Channel.CreateUnbounded<GatewayDispatch>();

    private GatewayRun(DiscordStandIn discord, DiscordGatewayOptions options, Func<CancellationToken, Task<Uri>>? url)
    {
        Client = new DiscordGatewayClient(options, url ?? DiscordGatewayClient.UrlFrom(Clients.Rest(discord, Clock)), _dispatches.Writer,
            Clock, NullLogger<DiscordGatewayClient>.Instance);
        Running = Task.Run(() => Client.RunAsync(_stop.Token));
    }

    public ManualClock Clock { get; } = new();

    public DiscordGatewayClient Client { get; }

    /// <summary>The client's run: faults with <see cref="DiscordGatewayException"/> on a fatal close.</summary>
    public Task Running { get; }

    /// <summary>Received so far (by <see cref="NextAsync{T}"/>), in order.</summary>
    public List<GatewayDispatch> Received { get; } = [];

    public static GatewayRun Start(DiscordStandIn discord, string? token = null, GatewayIntents intents = GatewayIntents.Bridge,
        Func<CancellationToken, Task<Uri>>? url = null) =>
        new(discord, new DiscordGatewayOptions { BotToken = token ?? discord.BotToken, Intents = intents, Jitter = () => 0.5 }, url);

    /// <summary>Reads dispatches until one of type <typeparamref name="T"/> (the others are kept in
    /// <see cref="Received"/>).</summary>
    public async Task<T> NextAsync<T>() where T : GatewayDispatch
    {
        using var deadline = new CancellationTokenSource(Deadline);
        while (true)
        {
            var dispatch = await _dispatches.Reader.ReadAsync(deadline.Token);
            Received.Add(dispatch);
            if (dispatch is T wanted)
            {
                return wanted;
            }
        }
    }

    /// <summary>Waits until the client arms a timer of <paramref name="due"/> (earlier, other timers are passed over).</summary>
    public async Task WaitForTimerAsync(TimeSpan due)
    {
        while (await Clock.NextTimerAsync() != due)
        {
        }
    }

    /// <summary>Waits for the stand-in's next gateway activity starting with <paramref name="prefix"/>.</summary>
    public static async Task<string> ActivityAsync(DiscordStandIn discord, string prefix)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        while (true)
        {
            var activity = await discord.Gateway.Activity.Reader.ReadAsync(deadline.Token);
            if (activity.StartsWith(prefix, StringComparison.Ordinal))
            {
                return activity;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Running;
        }
        catch (Exception exception) when (exception is OperationCanceledException or DiscordGatewayException)
        {
        }

        _stop.Dispose();
    }
}
