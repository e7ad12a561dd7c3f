using Homeserver.Services.Shared;

namespace Homeserver.Services.Push;

/// <summary>
/// How HTTP pushers are timed: back-off after a failed delivery (doubling from <see cref="InitialBackoff"/> to
/// <see cref="MaxBackoff"/>; a notification still failing after <see cref="GiveUpAfter"/> is dropped, as Synapse
/// does) and the poll that finds work no wake-up announced (rows written by another process). All on
/// <see cref="Clock"/>.
/// </summary>
public sealed record PusherTiming(TimeProvider Clock)
{
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromHours(1);

    public TimeSpan GiveUpAfter { get; init; } = TimeSpan.FromDays(1);

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// Wakes this process's pusher loop for the users whose push actions were just committed here, and for everyone when
/// another process wrote events (<see cref="WakeEveryone"/>): their rows are then looked for at once, not at the poll.
/// </summary>
public sealed class PusherWakeups : IPushNotificationObserver
{
    private readonly Lock _lock = new();
    private HashSet<string> _users = new(StringComparer.Ordinal);
    private bool _everyone;
    private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void OnNotifications(IReadOnlyList<PushNotification> notifications)
    {
        ArgumentNullException.ThrowIfNull(notifications);
        lock (_lock)
        {
            foreach (var notification in notifications.Where(n => n.Notify))
            {
                _users.Add(notification.UserId);
            }

            if (_users.Count > 0)
            {
                _signal.TrySetResult();
            }
        }
    }

    /// <summary>Another process committed events: every user's pushers may have rows.</summary>
    public void WakeEveryone()
    {
        lock (_lock)
        {
            _everyone = true;
            _signal.TrySetResult();
        }
    }

    /// <summary>
    /// The users woken since the last call, or null when everyone was; the next <see cref="WaitUntilAsync"/> waits for
    /// new ones.
    /// </summary>
    public IReadOnlySet<string>? Take()
    {
        lock (_lock)
        {
            var users = _everyone ? null : _users;
            _users = new HashSet<string>(StringComparer.Ordinal);
            _everyone = false;
            if (_signal.Task.IsCompleted)
            {
                _signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            return users;
        }
    }

    /// <summary>Until a wake-up (at once if one came since <see cref="Take"/>) or the clock reaches <paramref name="until"/>.</summary>
    public async Task WaitUntilAsync(DateTimeOffset until, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clock);
        Task signal;
        lock (_lock)
        {
            signal = _signal.Task;
        }

        await ClockWait.UntilAsync(clock, until, signal, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
    }
}
