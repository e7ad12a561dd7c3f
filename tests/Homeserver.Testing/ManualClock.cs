using System.Threading.Channels;

namespace Homeserver.Testing;

/// <summary>
/// A <see cref="TimeProvider"/> whose time moves only by <see cref="Advance"/>, with timers (so <c>Task.Delay</c> on
/// it waits for the test). <see cref="NextTimerAsync"/> says when the code under test has armed its next timer, so a
/// test advances time only once the code is waiting, and can check how long it chose to wait.
/// </summary>
public sealed class ManualClock : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<ManualTimer> _timers = [];
    private readonly Channel<TimeSpan> _armed = Channel.CreateUnbounded<TimeSpan>();
    private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>The due time of the next timer armed (in order of arming), once one is.</summary>
    public async Task<TimeSpan> NextTimerAsync(TimeSpan? timeout = null)
    {
        using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        return await _armed.Reader.ReadAsync(cancellation.Token);
    }

    /// <summary>Moves time on, firing every timer that falls due on the way (in due order).</summary>
    public void Advance(TimeSpan by)
    {
        DateTimeOffset target;
        lock (_lock)
        {
            target = _now + by;
        }

        while (true)
        {
            ManualTimer? due;
            lock (_lock)
            {
                due = _timers.Where(t => t.DueAt <= target).MinBy(t => t.DueAt);
                if (due is null)
                {
                    _now = target;
                    return;
                }

                _now = due.DueAt;
                due.Fired();
            }

            due.Callback(due.State);
        }
    }

    private sealed class ManualTimer(ManualClock clock, TimerCallback callback, object? state) : ITimer
    {
        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        public TimerCallback Callback => callback;

        public object? State => state;

        public DateTimeOffset DueAt { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._lock)
            {
                clock._timers.Remove(this);
                _period = period;
                if (dueTime == Timeout.InfiniteTimeSpan)
                {
                    return true;
                }

                DueAt = clock._now + dueTime;
                clock._timers.Add(this);
            }

            clock._armed.Writer.TryWrite(dueTime);
            return true;
        }

        /// <summary>Called under the clock's lock when the timer fires: re-armed when periodic, else gone.</summary>
        public void Fired()
        {
            clock._timers.Remove(this);
            if (_period != Timeout.InfiniteTimeSpan && _period > TimeSpan.Zero)
            {
                DueAt += _period;
                clock._timers.Add(this);
            }
        }

        public void Dispose()
        {
            lock (clock._lock)
            {
                clock._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
