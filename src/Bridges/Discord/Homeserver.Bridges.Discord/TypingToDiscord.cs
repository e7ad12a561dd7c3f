using Homeserver.Bridges.AppService;
using Homeserver.Bridges.Discord.Client;
using Homeserver.Bridges.Discord.Client.Rest;
using Homeserver.Bridges.Discord.Store;

namespace Homeserver.Bridges.Discord;

/// <summary>
/// Matrix -&gt; Discord typing: while a real Matrix user types in a linked room (as the room's <c>m.typing</c>, pushed
/// to the appservice as an ephemeral event, says), the bot triggers typing in the channel. Typing of the bot and the
/// ghosts (Discord users shown in Matrix) is not sent back.
/// </summary>
public sealed class TypingToDiscord(PortalStore portals, DiscordRestClient discord, AppServiceIdentity identity, TimeProvider time,
    ILogger<TypingPacer> logger) : IDisposable
{
    private readonly TypingPacer _pacer = new((channelId, ct) => discord.TriggerTypingAsync(Snowflake.Parse(channelId), ct), time, logger);

    /// <summary>The users typing in <paramref name="roomId"/> now (the whole list, as <c>m.typing</c> has it).</summary>
    public async Task HandleAsync(string roomId, IReadOnlyList<string> userIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        if (await portals.ByRoomAsync(roomId, cancellationToken) is { } portal)
        {
            await _pacer.UpdateAsync(portal.ChannelId, AnyRealUser(userIds, identity), cancellationToken);
        }
    }

    /// <summary>Whether anyone but the bot and the ghosts is in <paramref name="userIds"/>.</summary>
    public static bool AnyRealUser(IEnumerable<string> userIds, AppServiceIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return userIds.Any(u => !identity.IsOwnUser(u));
    }

    public void Dispose() => _pacer.Dispose();
}

/// <summary>
/// Paces Discord's typing trigger per channel: once at once when typing starts, then every <see cref="Interval"/>
/// while it goes on (Discord shows the indicator for 10 s), never more often than that, also when typing stops and
/// starts again. A homeserver sends nothing while the list of typing users stays the same (a client refreshing its
/// typing notice is no news), and tells when typing stops or times out (ours and Synapse both push the shorter list),
/// so typing goes on until then; <see cref="MaxWithoutNews"/> only bounds an indicator whose stop never arrived.
/// </summary>
public sealed partial class TypingPacer(Func<string, CancellationToken, Task> trigger, TimeProvider time, ILogger logger) : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(8);
    public static readonly TimeSpan MaxWithoutNews = TimeSpan.FromMinutes(5);
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ChannelTyping> _channels = new(StringComparer.Ordinal);

    /// <summary>Someone is typing in the channel, or (<paramref name="typing"/> false) no one is any more.</summary>
    public Task UpdateAsync(string channelId, bool typing, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (!_channels.TryGetValue(channelId, out var state))
            {
                state = _channels[channelId] = new ChannelTyping();
            }

            state.Typing = typing;
            if (!typing)
            {
                state.StopTimer();
                return Task.CompletedTask;
            }

            state.LastNews = now;
            if (state.Timer is not null)
            {
                return Task.CompletedTask;
            }

            var due = state.LastSent + Interval - now;
            var sendNow = due <= TimeSpan.Zero;
            if (sendNow)
            {
                state.LastSent = now;
                due = Interval;
            }

            state.Timer = time.CreateTimer(Tick, channelId, due, Interval);
            if (!sendNow)
            {
                return Task.CompletedTask;
            }
        }

        return SendAsync(channelId, cancellationToken);
    }

    private void Tick(object? channel)
    {
        var channelId = (string)channel!;
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (!_channels.TryGetValue(channelId, out var state) || state.Timer is null)
            {
                return;
            }

            if (!state.Typing || now - state.LastNews > MaxWithoutNews)
            {
                state.Typing = false;
                state.StopTimer();
                return;
            }

            state.LastSent = now;
        }

        _ = SendAsync(channelId, CancellationToken.None);
    }

    private async Task SendAsync(string channelId, CancellationToken cancellationToken)
    {
        try
        {
            await trigger(channelId, cancellationToken);
        }
        catch (Exception e) when (e is DiscordApiException or HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogTypingFailed(logger, e, channelId);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var state in _channels.Values)
            {
                state.StopTimer();
            }
        }
    }

    private sealed class ChannelTyping
    {
        public bool Typing { get; set; }

        public DateTimeOffset LastSent { get; set; } = DateTimeOffset.MinValue;

        public DateTimeOffset LastNews { get; set; }

        public ITimer? Timer { get; set; }

        public void StopTimer()
        {
            Timer?.Dispose();
            Timer = null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Discord refused the typing trigger in channel {ChannelId}")]
    private static partial void LogTypingFailed(ILogger logger, Exception exception, string channelId);
}
