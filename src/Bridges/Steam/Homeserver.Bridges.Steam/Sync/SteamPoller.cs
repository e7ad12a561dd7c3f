namespace Homeserver.Bridges.Steam.Sync;

/// <summary>What the bot needs of the poller: asking for a poll now, and how many were made.</summary>
public interface ISteamRefresh
{
    void RequestRefresh();

    long Polls { get; }
}

/// <summary>
/// Runs <see cref="SyncCycle"/> for ever: waits <see cref="PollInterval"/> between polls (PollSeconds, doubling while
/// nothing changes, at most 4x), reads the friend lists every 10 x PollSeconds, and polls at once (friends included)
/// when asked (<c>!steam refresh</c>, a new link). A failed poll is logged and counts as "nothing changed": the
/// bridge never stops over Steam or homeserver errors.
/// </summary>
public sealed partial class SteamPoller(ISyncCycle cycle, SteamBridgeSettings settings, TimeProvider time, ILogger<SteamPoller> logger)
    : BackgroundService, ISteamRefresh
{
    private readonly SemaphoreSlim _refresh = new(0, 1);
    private long _polls;

    /// <summary>Completed polls so far (successful or not).</summary>
    public long Polls => Interlocked.Read(ref _polls);

    /// <summary>The wait chosen after the last poll.</summary>
    public TimeSpan CurrentInterval { get; private set; }

    /// <summary>Asks for a poll now, friend lists included.</summary>
    public void RequestRefresh()
    {
        try
        {
            _refresh.Release();
        }
        catch (SemaphoreFullException)
        {
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = new PollInterval(settings.PollPeriod);
        var friendsDue = time.GetUtcNow();
        var refreshRequested = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            var includeFriends = refreshRequested || time.GetUtcNow() >= friendsDue;
            var changed = false;
            try
            {
                changed = await cycle.RunAsync(includeFriends, stoppingToken);
                if (includeFriends)
                {
                    friendsDue = time.GetUtcNow() + settings.FriendsPeriod;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogPollFailed(logger, e);
            }

            Interlocked.Increment(ref _polls);
            CurrentInterval = interval.After(changed);
            refreshRequested = await WaitAsync(CurrentInterval, stoppingToken);
        }
    }

    /// <returns>true when woken by <see cref="RequestRefresh"/>.</returns>
    private async Task<bool> WaitAsync(TimeSpan wait, CancellationToken stoppingToken)
    {
        using var woken = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var delay = Task.Delay(wait, time, woken.Token);
        var refresh = _refresh.WaitAsync(woken.Token);
        await Task.WhenAny(delay, refresh);
        await woken.CancelAsync();
        try
        {
            await Task.WhenAll(delay, refresh);
        }
        catch (OperationCanceledException)
        {
        }

        stoppingToken.ThrowIfCancellationRequested();
        return refresh.IsCompletedSuccessfully;
    }

    public override void Dispose()
    {
        _refresh.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A Steam poll failed; the bridge goes on and polls again")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);
}
