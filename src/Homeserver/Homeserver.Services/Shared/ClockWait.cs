namespace Homeserver.Services.Shared;

/// <summary>Background loops' waits on <see cref="TimeProvider"/> time (a manual clock in tests).</summary>
public static class ClockWait
{
    /// <summary>
    /// Until the clock reaches <paramref name="until"/> or <paramref name="wake"/> completes. The clock may move
    /// between computing the delay and arming the timer (which then counts from the later time), so it is read again
    /// once the timer exists: the wait never runs past <paramref name="until"/>.
    /// </summary>
    public static async Task UntilAsync(TimeProvider clock, DateTimeOffset until, Task wake,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clock);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = until - clock.GetUtcNow();
        var timer = Task.Delay(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, clock, stop.Token);
        if (clock.GetUtcNow() < until)
        {
            await Task.WhenAny(wake, timer);
        }

        await stop.CancelAsync();
    }
}
