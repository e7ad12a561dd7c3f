using System.Threading.Channels;
using Homeserver.Bridges.Discord.Client;
using Homeserver.Bridges.Discord.Client.Models;
using Homeserver.Bridges.Discord.Client.Rest;
using Homeserver.Bridges.Discord.Store;

namespace Homeserver.Bridges.Discord;

/// <summary>
/// History from Discord into Matrix. Backfill: when a channel is linked, its last <see cref="DiscordSettings.BackfillLimit"/>
/// messages (GET /channels/{id}/messages paged with <c>before</c>) are posted oldest first as their authors' ghosts,
/// with their Discord times (<c>?ts=</c>). Catch-up: on each new gateway session (READY: a start, or a session that
/// could not resume), every linked channel, and each of its threads active in the last week, is read from its last
/// bridged message on (<c>after</c>), oldest first, so what was said while the bridge was away is not lost. Both go through the same path as live messages (stable
/// transaction IDs, the mapping store), so nothing is posted twice; a gate keeps them and live dispatches in turn.
/// </summary>
public sealed partial class ChannelHistory(
    DiscordRestClient discord,
    DiscordToMatrix bridge,
    HistoryStore history,
    ThreadStore threads,
    PortalStore portals,
    DiscordSettings settings,
    TimeProvider time,
    ILogger<ChannelHistory> logger) : BackgroundService
{
    private const int PageSize = 100;

    /// <summary>Threads quiet for longer than this are not read back after downtime (Discord archives them by then).</summary>
    public static readonly TimeSpan ThreadCatchUpWindow = TimeSpan.FromDays(7);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Channel<Portal> _backfills = Channel.CreateUnbounded<Portal>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Holds the gate: one history run or one live dispatch at a time, so history does not interleave.</summary>
    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        return new Release(_gate);
    }

    /// <summary>Queues the backfill of a newly linked portal (done in the background, after the link is answered).</summary>
    public void QueueBackfill(Portal portal)
    {
        if (settings.BackfillLimit > 0)
        {
            _backfills.Writer.TryWrite(portal);
        }
    }

    /// <summary>The last <see cref="DiscordSettings.BackfillLimit"/> messages of the portal's channel into Matrix.</summary>
    public async Task BackfillAsync(Portal portal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(portal);
        var channelId = Snowflake.Parse(portal.ChannelId);
        var messages = new List<DiscordMessage>();
        Snowflake? before = null;
        while (messages.Count < settings.BackfillLimit)
        {
            var want = Math.Min(PageSize, settings.BackfillLimit - messages.Count);
            var page = await discord.GetMessagesAsync(channelId, before, want, cancellationToken);
            messages.AddRange(page);
            if (page.Count < want)
            {
                break;
            }

            before = page.MinBy(m => m.Id.Value)!.Id;
        }

        await BridgeAsync(portal, messages, cancellationToken);
    }

    /// <summary>Every linked channel from its last bridged message on (from the link when none was bridged), then
    /// the threads of linked channels active within <see cref="ThreadCatchUpWindow"/> from theirs.</summary>
    public async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        foreach (var progress in await history.ListAsync(cancellationToken))
        {
            if (await portals.ByRoomAsync(progress.RoomId, cancellationToken) is { } portal)
            {
                var after = progress.LastMessageId is { } last ? new Snowflake((ulong)last) : SnowflakeAt(progress.LinkedTs);
                await CatchUpAsync(portal, portal.ChannelId, after, cancellationToken);
            }
        }

        var since = time.GetUtcNow() - ThreadCatchUpWindow;
        foreach (var thread in await threads.ProgressAsync(cancellationToken))
        {
            // A thread's ID is a snowflake made when it began: nothing in it is older.
            var after = thread.LastMessageId is { } last ? new Snowflake((ulong)last) : Snowflake.Parse(thread.ThreadId);
            if (after.CreatedAt >= since && await portals.ByChannelAsync(thread.ChannelId, cancellationToken) is { } portal)
            {
                await CatchUpAsync(portal, thread.ThreadId, after, cancellationToken);
            }
        }
    }

    private async Task CatchUpAsync(Portal portal, string channelId, Snowflake after, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var page = await discord.GetMessagesAfterAsync(Snowflake.Parse(channelId), after, PageSize, cancellationToken);
                if (page.Count == 0)
                {
                    break;
                }

                await BridgeAsync(portal, page, cancellationToken);
                after = page.MaxBy(m => m.Id.Value)!.Id;
                if (page.Count < PageSize)
                {
                    break;
                }
            }
        }
        catch (DiscordApiException e)
        {
            LogHistoryFailed(logger, e, channelId);
        }
    }

    /// <summary>The smallest snowflake made at <paramref name="unixMilliseconds"/> (Discord's epoch in the top bits).</summary>
    public static Snowflake SnowflakeAt(long unixMilliseconds) =>
        new((ulong)Math.Max(0, unixMilliseconds - Snowflake.DiscordEpochMilliseconds) << 22);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var portal in _backfills.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    using (await EnterAsync(stoppingToken))
                    {
                        await BackfillAsync(portal, stoppingToken);
                    }
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    LogHistoryFailed(logger, e, portal.ChannelId);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }

    private async Task BridgeAsync(Portal portal, IEnumerable<DiscordMessage> messages, CancellationToken cancellationToken)
    {
        foreach (var message in messages.OrderBy(m => m.Id.Value))
        {
            // Still linked to the same room? An unlink meanwhile stops the run.
            if ((await portals.ByChannelAsync(portal.ChannelId, cancellationToken))?.RoomId != portal.RoomId)
            {
                return;
            }

            await bridge.MessageCreatedAsync(message, cancellationToken);
        }
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bridging the history of Discord channel {ChannelId} failed")]
    private static partial void LogHistoryFailed(ILogger logger, Exception exception, string channelId);
}
